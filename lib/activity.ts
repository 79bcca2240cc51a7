import { and, desc, eq, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { AUDIT_EVENT_TYPES, type AuditEventType } from "./audit";
import type { Db } from "./db/client";
import { auditEvents, users } from "./db/schema";
import { normalizeEmail } from "./users";

export const ACTIVITY_PAGE_SIZE = 50;

export function isAuditEventType(value: unknown): value is AuditEventType {
  return typeof value === "string" && (AUDIT_EVENT_TYPES as readonly string[]).includes(value);
}

/** The organization's audit events, newest first, filterable by member (email) and type. */
export async function listActivity(
  db: Db,
  input: { organizationId: string; memberEmail?: string; type?: AuditEventType; page?: number },
) {
  const actor = alias(users, "actor");
  const subject = alias(users, "subject");
  const filters: (SQL | undefined)[] = [eq(auditEvents.organizationId, input.organizationId)];
  if (input.type) filters.push(eq(auditEvents.type, input.type));
  if (input.memberEmail) {
    const [member] = await db.select({ id: users.id }).from(users).where(eq(users.email, normalizeEmail(input.memberEmail))).limit(1);
    if (!member) return { rows: [], page: 1, hasMore: false };
    filters.push(eq(auditEvents.subjectUserId, member.id));
  }
  const page = Math.max(Math.trunc(input.page ?? 1), 1);
  const rows = await db
    .select({
      id: auditEvents.id,
      type: auditEvents.type,
      createdAt: auditEvents.createdAt,
      ip: auditEvents.ip,
      userAgent: auditEvents.userAgent,
      details: auditEvents.details,
      actorEmail: actor.email,
      subjectEmail: subject.email,
    })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorUserId))
    .leftJoin(subject, eq(subject.id, auditEvents.subjectUserId))
    .where(and(...filters))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(ACTIVITY_PAGE_SIZE + 1)
    .offset((page - 1) * ACTIVITY_PAGE_SIZE);
  return { rows: rows.slice(0, ACTIVITY_PAGE_SIZE), page, hasMore: rows.length > ACTIVITY_PAGE_SIZE };
}
