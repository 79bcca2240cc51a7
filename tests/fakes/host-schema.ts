// A host app's schema file, as README "Mount it in your Next.js app" tells a host to write it: its
// own users table with the plugin's columns spread in, its own audit table with the plugin's audit
// columns spread in (and its own extra column and index), and the plugin's tables re-exported. No
// organizations or memberships: the plugin asks the host for those (`host`), it reads no table of them.
import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { twoFactorAuditEventColumns, twoFactorUserColumns } from "@/lib/two-factor/schema";

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  displayName: text("display_name"),
  ...twoFactorUserColumns(),
  joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
});

export const auditLog = pgTable(
  "audit_events",
  {
    ...twoFactorAuditEventColumns(),
    // The host's own column: nullable, as the plugin writes only its own columns.
    tenantNote: text("tenant_note"),
  },
  (t) => [index("audit_log_subject_idx").on(t.subjectUserId, t.createdAt)],
);

export { authenticatorApps, backupCodes, passkeyChallenges, passkeys, signInTickets, smsChallenges, trustedDevices } from "@/lib/two-factor/schema";
