import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { twoFactorAuditEventColumns, twoFactorSessionColumns, twoFactorUserColumns } from "../two-factor/schema";

// The plugin's own tables, by name: its partial declarations of "users" (twoFactorUsers) and
// "audit_events" (twoFactorAuditEvents) must not be exported here, where drizzle-kit reads the schema.
export {
  authenticatorApps,
  backupCodes,
  CHALLENGE_PURPOSES,
  passkeyChallenges,
  passkeys,
  signInTickets,
  smsChallenges,
  trustedDevices,
  type AuthenticatorApp,
  type ChallengePurpose,
  type Passkey,
  type SmsChallenge,
  type TrustedDevice,
} from "../two-factor/schema";

// OAuth for native apps (issue 19): oidc-provider's stored models, one table (lib/oauth/schema.ts).
export { oauthArtifacts } from "../oauth/schema";

const id = () =>
  text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID());
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

// ---- Auth.js's tables, as @auth/drizzle-adapter reads them (users is also ours): accounts link
// OAuth/OIDC sign-ins, sessions hold database sessions (AUTH_SESSION_STRATEGY=database) with the
// plugin's amr and auth time, verification tokens are email sign-in links ----

export const users = pgTable("users", {
  id: id(),
  name: text("name"),
  email: text("email").notNull().unique(),
  emailVerified: at("email_verified"),
  image: text("image"),
  // Second factor state of the user: the plugin's columns.
  ...twoFactorUserColumns(),
  // JWT sessions issued before this instant are refused on the server.
  sessionsValidAfter: at("sessions_valid_after").notNull().defaultNow(),
  /** Kept by triggers (drizzle/0012): a confirmed authenticator app or a passkey, for the organization's secure count. */
  hasSecureMethod: boolean("has_secure_method").notNull().default(false),
  createdAt: at("created_at").notNull().defaultNow(),
}, (t) => [
  // Members search: "starts with" on email and name, served by btree pattern indexes.
  index("users_email_pattern_idx").using("btree", sql`lower(${t.email}) text_pattern_ops`),
  index("users_name_pattern_idx").using("btree", sql`lower(${t.name}) text_pattern_ops`),
]);

export const accounts = pgTable(
  "accounts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
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

export const sessions = pgTable("sessions", {
  sessionToken: text("session_token").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expires: at("expires").notNull(),
  ...twoFactorSessionColumns(),
}, (t) => [index("sessions_user_idx").on(t.userId)]);

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: at("expires").notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

// ---- Portal ----

export const passwordCredentials = pgTable("password_credentials", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  hash: text("hash").notNull(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
  requireTwoFactorChangedBy: text("require_two_factor_changed_by").references(() => users.id, {
    onDelete: "set null",
  }),
  requireTwoFactorChangedAt: at("require_two_factor_changed_at"),
  /** Members who have not set up 2FA may skip it until this time; null = required at next sign-in. */
  twoFactorGraceUntil: at("two_factor_grace_until"),
  /** "any", or "secure": only an authenticator app or a passkey counts (SMS is not accepted). */
  twoFactorAllowedMethods: text("two_factor_allowed_methods").$type<"any" | "secure">().notNull().default("any"),
  /** Members with only SMS may go on with it until this time after "secure" was chosen; null = at next sign-in. */
  secureMethodsGraceUntil: at("secure_methods_grace_until"),
  /** Kept by triggers (drizzle/0005): members, and members with a verified phone, so "N of M" costs one row. */
  memberCount: integer("member_count").notNull().default(0),
  enrolledCount: integer("enrolled_count").notNull().default(0),
  /** Kept by triggers (drizzle/0012): members with a secure method (users.has_secure_method), for "N of M use a secure method". */
  secureEnrolledCount: integer("secure_enrolled_count").notNull().default(0),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export const memberships = pgTable(
  "memberships",
  {
    id: id(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  // One organization per user for now: "their organization" is unambiguous.
  (t) => [uniqueIndex("memberships_user_idx").on(t.userId), index("memberships_org_idx").on(t.organizationId, t.userId)],
);

// The plugin's audit columns (its events and the portal's own share the table); the foreign keys
// and indexes are the portal's, named as drizzle names a column's own reference.
export const auditEvents = pgTable(
  "audit_events",
  twoFactorAuditEventColumns(),
  (t) => [
    foreignKey({ name: "audit_events_organization_id_organizations_id_fk", columns: [t.organizationId], foreignColumns: [organizations.id] }).onDelete("cascade"),
    foreignKey({ name: "audit_events_actor_user_id_users_id_fk", columns: [t.actorUserId], foreignColumns: [users.id] }).onDelete("set null"),
    foreignKey({ name: "audit_events_subject_user_id_users_id_fk", columns: [t.subjectUserId], foreignColumns: [users.id] }).onDelete("set null"),
    index("audit_events_org_time_idx").on(t.organizationId, t.createdAt),
    index("audit_events_subject_idx").on(t.subjectUserId, t.createdAt),
    index("audit_events_org_type_time_idx").on(t.organizationId, t.type, t.createdAt),
  ],
);

export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull(),
  windowStartedAt: at("window_started_at").notNull(),
});

/** Sessions ended by sign-out: a JWT copied before sign-out must not outlive it. */
export const endedSessions = pgTable(
  "ended_sessions",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    authTime: bigint("auth_time", { mode: "number" }).notNull(),
    endedAt: at("ended_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.authTime] })],
);

export const passwordResetTokens = pgTable("password_reset_tokens", {
  id: id(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: at("created_at").notNull(),
  expiresAt: at("expires_at").notNull(),
  usedAt: at("used_at"),
});

export const OUTBOX_CHANNELS = ["sms", "email"] as const;

/** Dev outbox: SMS and email that were "sent" without a real provider. */
export const outboxMessages = pgTable("outbox_messages", {
  id: id(),
  channel: text("channel", { enum: OUTBOX_CHANNELS }).notNull(),
  recipient: text("recipient").notNull(),
  subject: text("subject"),
  body: text("body").notNull(),
  createdAt: at("created_at").notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
