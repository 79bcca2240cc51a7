import type { RequestInfo } from "../http/client-ip";
import type { TwoFactorDb } from "./db";
import { twoFactorAuditEvents } from "./schema";

/** The events the plugin records, in the host's audit table (`twoFactorAuditEventColumns()`). */
export const TWO_FACTOR_EVENT_TYPES = [
  "sign_in.succeeded",
  "two_factor.code_sent",
  "two_factor.code_send_failed",
  "two_factor.code_failed",
  "two_factor.locked",
  "two_factor.phone_added",
  "two_factor.phone_verified",
  "two_factor.enabled",
  "two_factor.backup_code_used",
  "two_factor.backup_code_failed",
  "two_factor.trusted_device_added",
  "two_factor.trusted_device_used",
  "sign_in.second_factor_succeeded",
  "two_factor.reset_by_admin",
  "two_factor.trusted_devices_revoked",
  "two_factor.trusted_device_revoked",
  "two_factor.backup_codes_regenerated",
  "two_factor.phone_changed",
  "two_factor.disabled",
  "two_factor.confirmed",
  "two_factor.authenticator_added",
  "two_factor.authenticator_removed",
  "two_factor.authenticator_code_failed",
  "two_factor.phone_removed",
  "two_factor.preferred_method_changed",
  "two_factor.passkey_added",
  "two_factor.passkey_renamed",
  "two_factor.passkey_removed",
  "two_factor.passkey_used",
  "two_factor.passkey_refused",
] as const;

export type TwoFactorEventType = (typeof TWO_FACTOR_EVENT_TYPES)[number];

/** One row of the host's `audit_events`, as the plugin writes it; `T`: the event types allowed. */
export interface AuditEventFields<T extends string> {
  type: T;
  /** The organization the host placed the user in (`host.organizationPolicy`), or null. */
  organizationId: string | null;
  actorUserId: string | null;
  subjectUserId?: string | null;
  request?: RequestInfo | null;
  /** Never a secret: no codes, tokens or full phone numbers. */
  details?: Record<string, unknown>;
  at: Date;
}

export type TwoFactorEventInput = AuditEventFields<TwoFactorEventType>;

/**
 * Writes one event row on `db` (in the caller's transaction when it is one). The host may record
 * its own event types through it, in the same table.
 */
export async function writeAuditEvent<T extends string>(db: TwoFactorDb, event: AuditEventFields<T>): Promise<void> {
  await db.insert(twoFactorAuditEvents).values({
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

/** Records one of the plugin's events. */
export function recordTwoFactorEvent(db: TwoFactorDb, event: TwoFactorEventInput): Promise<void> {
  return writeAuditEvent(db, event);
}
