import type { DbOrTx } from "./db/client";
import { writeAuditEvent, type AuditEventFields, type TwoFactorEventType } from "./two-factor/audit";

/** The portal's own events; the two-factor plugin records its own (lib/two-factor/audit.ts) in the same table. */
export const PORTAL_AUDIT_EVENT_TYPES = [
  "sign_in.failed",
  "organization.require_two_factor_changed",
  "organization.allowed_methods_changed",
  "password_reset.requested",
  "password_reset.completed",
  "oauth.app_signed_in",
  "oauth.app_revoked",
] as const;

export type PortalAuditEventType = (typeof PORTAL_AUDIT_EVENT_TYPES)[number];
export type AuditEventType = PortalAuditEventType | TwoFactorEventType;

/** Every event of the activity log, in the order of its filter. */
export const AUDIT_EVENT_TYPES = [
  "sign_in.succeeded",
  "sign_in.failed",
  "organization.require_two_factor_changed",
  "organization.allowed_methods_changed",
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
  "password_reset.requested",
  "password_reset.completed",
  "oauth.app_signed_in",
  "oauth.app_revoked",
] as const satisfies readonly AuditEventType[];

// An event type of the plugin or the portal missing from the filter fails the type check.
type Unlisted = Exclude<AuditEventType, (typeof AUDIT_EVENT_TYPES)[number]>;
const _everyEventTypeListed: [Unlisted] extends [never] ? true : Unlisted = true;

export type AuditEventInput = AuditEventFields<AuditEventType>;

/** Records an event of the portal's or the plugin's, in the one `audit_events` table. */
export function recordAuditEvent(db: DbOrTx, event: AuditEventInput): Promise<void> {
  return writeAuditEvent(db, event);
}
