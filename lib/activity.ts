import { and, desc, eq, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { AUDIT_EVENT_TYPES, type AuditEventType } from "./audit";
import type { Db } from "./db/client";
import { auditEvents, users } from "./db/schema";
import type { ErrorCode } from "./errors";
import { queryText, readParam, type SearchParams } from "./http/query-params";
import { normalizeEmail } from "./users";

export const ACTIVITY_PAGE_SIZE = 50;
/** Pages are OFFSET pages: the bound keeps the offset an integer PostgreSQL takes, and its scan short. */
export const MAX_ACTIVITY_PAGE = 10_000;

export function isAuditEventType(value: unknown): value is AuditEventType {
  return typeof value === "string" && (AUDIT_EVENT_TYPES as readonly string[]).includes(value);
}

export interface ActivityQuery {
  member: string;
  type?: AuditEventType;
  page: number;
}

const EVENT_TYPE = z.union([z.literal("").transform(() => undefined), z.enum(AUDIT_EVENT_TYPES)]);
const PAGE = z
  .string()
  .regex(/^[0-9]{1,6}$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_ACTIVITY_PAGE));

/** The activity log's filters (`member`, `type`) and `page` in canonical form; one not valid is left out and named. */
export function parseActivityQuery(params: SearchParams): { query: ActivityQuery; problems: ErrorCode[] } {
  const problems: ErrorCode[] = [];
  const member = readParam(params, "member", queryText(254), "", "INVALID_MEMBER_FILTER", problems);
  const type = readParam<AuditEventType | undefined>(params, "type", EVENT_TYPE, undefined, "INVALID_EVENT_FILTER", problems);
  const page = readParam(params, "page", PAGE, 1, "INVALID_PAGE_LINK", problems);
  return { query: { member, type, page }, problems };
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
  const page = Math.min(Math.max(Math.trunc(input.page ?? 1), 1), MAX_ACTIVITY_PAGE) || 1;
  const rows = await db
    .select({
      id: auditEvents.id,
      type: auditEvents.type,
      createdAt: auditEvents.createdAt,
      ip: auditEvents.ip,
      userAgent: auditEvents.userAgent,
      details: auditEvents.details,
      actorEmail: actor.email,
      actorName: actor.name,
      subjectEmail: subject.email,
      subjectName: subject.name,
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
