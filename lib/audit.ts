import type { Db } from "./db/client";
import { auditEvents } from "./db/schema";
import type { RequestInfo } from "./http/client-ip";

export const AUDIT_EVENT_TYPES = [
  "sign_in.succeeded",
  "sign_in.failed",
  "organization.require_two_factor_changed",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export interface AuditEventInput {
  type: AuditEventType;
  organizationId: string | null;
  actorUserId: string | null;
  subjectUserId?: string | null;
  request?: RequestInfo | null;
  /** Never a secret: no codes, tokens or full phone numbers. */
  details?: Record<string, unknown>;
  at: Date;
}

export async function recordAuditEvent(db: Db, event: AuditEventInput): Promise<void> {
  await db.insert(auditEvents).values({
    type: event.type,
    organizationId: event.organizationId,
    actorUserId: event.actorUserId,
    subjectUserId: event.subjectUserId ?? null,
    ip: event.request?.ip ?? null,
    userAgent: event.request?.userAgent ?? null,
    details: event.details ?? {},
    createdAt: event.at,
  });
}
