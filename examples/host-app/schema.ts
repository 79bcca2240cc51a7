// The host's own tables: next-auth's (users with the plugin's columns, accounts, sessions with the
// plugin's columns, verification tokens), its organizations and memberships, its audit events, and
// the plugin's own tables re-exported so that `drizzle-kit generate` makes them too.
import { boolean, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { twoFactorAuditEventColumns, twoFactorSessionColumns, twoFactorUserColumns } from "@connect-2fa/schema";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable("users", {
  id: text("id").primaryKey().$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").notNull().unique(),
  emailVerified: at("email_verified"),
  image: text("image"),
  ...twoFactorUserColumns(),
});

export const organizations = pgTable("organizations", {
  id: text("id").primaryKey().$defaultFn(() => crypto.randomUUID()),
  name: text("name").notNull(),
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
  /** "any", or "secure": only an authenticator app or a passkey counts (SMS is not accepted). */
  twoFactorAllowedMethods: text("two_factor_allowed_methods").$type<"any" | "secure">().notNull().default("any"),
  /** New users whose verified email is at this domain join as members. */
  emailDomain: text("email_domain").unique(),
});

/** One organization per user (the plugin asks for "the user's organization"). */
export const memberships = pgTable("memberships", {
  userId: text("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
  organizationId: text("organization_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  role: text("role", { enum: ["owner", "admin", "member"] }).notNull().default("member"),
});

export const auditEvents = pgTable("audit_events", twoFactorAuditEventColumns(), (t) => [index("audit_events_subject_idx").on(t.subjectUserId, t.createdAt)]);

export const accounts = pgTable(
  "accounts",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const sessions = pgTable(
  "sessions",
  {
    sessionToken: text("session_token").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expires: at("expires").notNull(),
    ...twoFactorSessionColumns(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const verificationTokens = pgTable(
  "verification_tokens",
  { identifier: text("identifier").notNull(), token: text("token").notNull(), expires: at("expires").notNull() },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

export { authenticatorApps, backupCodes, passkeyChallenges, passkeys, signInTickets, smsChallenges, trustedDevices } from "@connect-2fa/schema";
