import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The plugin's tables, as a drizzle schema fragment a host spreads into its own schema, so its own
 * `drizzle-kit generate` makes the migrations. Their user ids reference the host's `users` table.
 */

/** The methods a user may make preferred (a backup code is a fallback, never preferred). */
export const PREFERRED_SECOND_FACTORS = ["passkey", "authenticator", "sms"] as const;
export type PreferredSecondFactor = (typeof PREFERRED_SECOND_FACTORS)[number];

const id = () =>
  text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID());
const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * The second-factor columns the plugin keeps on the host's `users` table. A function: drizzle's
 * column builders belong to one table, so each table that spreads them gets fresh ones.
 */
export function twoFactorUserColumns() {
  return {
    phoneE164: text("phone_e164"),
    phoneVerifiedAt: at("phone_verified_at"),
    twoFactorEnabledAt: at("two_factor_enabled_at"),
    twoFactorSelfEnabled: boolean("two_factor_self_enabled").notNull().default(false),
    secondFactorFailures: integer("second_factor_failures").notNull().default(0),
    secondFactorLockedUntil: at("second_factor_locked_until"),
    /** Last completed second factor (sign-in or confirmation), for the members table. */
    lastSecondFactorAt: at("last_second_factor_at"),
    // Pending sign-ins (password done, second factor not) begun before this instant are refused.
    // Set by everything that ends sessions or changes the second factor (null: none ended yet).
    pendingSignInsValidAfter: at("pending_sign_ins_valid_after"),
    /** The method the challenge opens with and the picker lists first; null: the strongest the user has. */
    preferredSecondFactor: text("preferred_second_factor").$type<PreferredSecondFactor>(),
  };
}

/**
 * What the plugin reads and writes of the host's `users` table: its id, its email (the notices'
 * recipient) and the second-factor columns. Not a table of its own: the host's full `users` table
 * (with `...twoFactorUserColumns()`) is the one its migrations make; never export this from the
 * host's schema file.
 */
export const twoFactorUsers = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  ...twoFactorUserColumns(),
});

/**
 * The columns of the audit events the plugin records, on the host's `audit_events` table (the
 * host's own events may go to the same table). A function, like `twoFactorUserColumns()`; the host
 * keeps its foreign keys (organization, actor, subject) and indexes in the table's own config, and
 * any column it adds must be nullable or have a default: the plugin writes these columns only.
 */
/**
 * The columns the plugin adds to next-auth's `sessions` table (database sessions through
 * @auth/drizzle-adapter): the methods the sign-in used (amr) and when it completed, from which the
 * session's fixed lifetime and "sessions valid after" are judged.
 */
export function twoFactorSessionColumns() {
  return {
    amr: jsonb("amr").$type<string[]>().notNull().default([]),
    authTime: at("auth_time").notNull().defaultNow(),
  };
}

export function twoFactorAuditEventColumns() {
  return {
    id: id(),
    organizationId: text("organization_id"),
    actorUserId: text("actor_user_id"),
    subjectUserId: text("subject_user_id"),
    type: text("type").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  };
}

/**
 * The plugin's view of the host's `audit_events` table, which it writes through (as
 * `twoFactorUsers` is its view of `users`): never export it from the host's schema file.
 */
export const twoFactorAuditEvents = pgTable("audit_events", twoFactorAuditEventColumns());

/** A single-use ticket the host's session strategy turns into a session. */
export const signInTickets = pgTable("sign_in_tickets", {
  id: id(),
  userId: text("user_id")
    .notNull()
    .references(() => twoFactorUsers.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  /** "session" or "first_factor" (./sign-in-ticket.ts). */
  kind: text("kind").$type<"session" | "first_factor">().notNull().default("session"),
  amr: jsonb("amr").$type<string[]>().notNull(),
  issuedAt: at("issued_at").notNull().defaultNow(),
  expiresAt: at("expires_at").notNull(),
  consumedAt: at("consumed_at"),
});

export const CHALLENGE_PURPOSES = ["setup", "sign_in", "confirm"] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

export const smsChallenges = pgTable(
  "sms_challenges",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => twoFactorUsers.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: CHALLENGE_PURPOSES }).notNull(),
    // Binds the challenge to one pending sign-in attempt (hash of the attempt nonce).
    attemptHash: text("attempt_hash").notNull(),
    phoneE164: text("phone_e164").notNull(),
    codeHmac: text("code_hmac").notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: at("created_at").notNull(),
    /** Null while the SMS is on its way; a failed delivery deletes the row, so it never counts. */
    sentAt: at("sent_at"),
    expiresAt: at("expires_at").notNull(),
    consumedAt: at("consumed_at"),
    voidedAt: at("voided_at"),
  },
  (t) => [
    index("sms_challenges_user_idx").on(t.userId, t.createdAt),
    index("sms_challenges_phone_idx").on(t.phoneE164, t.createdAt),
    index("sms_challenges_created_idx").on(t.createdAt),
  ],
);

export const backupCodes = pgTable(
  "backup_codes",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => twoFactorUsers.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    usedAt: at("used_at"),
  },
  (t) => [index("backup_codes_user_idx").on(t.userId)],
);

export const trustedDevices = pgTable(
  "trusted_devices",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => twoFactorUsers.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    userAgent: text("user_agent"),
    createdAt: at("created_at").notNull(),
    lastUsedAt: at("last_used_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    revokedAt: at("revoked_at"),
  },
  (t) => [index("trusted_devices_user_idx").on(t.userId)],
);

/**
 * Authenticator apps (TOTP, RFC 6238). A table rather than columns on users: a setup waits
 * unconfirmed beside the app in use until a code proves it, and a later version may keep several
 * apps per user. For now a user has at most one unconfirmed and one confirmed app (the two partial
 * unique indexes; a second app would drop the confirmed one).
 */
export const authenticatorApps = pgTable(
  "authenticator_apps",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => twoFactorUsers.id, { onDelete: "cascade" }),
    /** The 20-byte secret, AES-256-GCM under a key of its own (./authenticator-secret.ts); never the secret itself. */
    secretCiphertext: text("secret_ciphertext").notNull(),
    /** Wrong codes given to this setup (while unconfirmed); at `maxTriesPerCode` the setup is void. */
    attempts: integer("attempts").notNull().default(0),
    createdAt: at("created_at").notNull(),
    /** Null while the setup waits for its first right code. */
    confirmedAt: at("confirmed_at"),
    // The last accepted time step (unix time / 30 s): only a strictly later one is accepted, so a code works once.
    lastUsedStep: bigint("last_used_step", { mode: "number" }),
    lastUsedAt: at("last_used_at"),
  },
  (t) => [
    uniqueIndex("authenticator_apps_user_pending_idx").on(t.userId).where(sql`confirmed_at is null`),
    uniqueIndex("authenticator_apps_user_confirmed_idx").on(t.userId).where(sql`confirmed_at is not null`),
  ],
);

/**
 * Passkeys and security keys (WebAuthn), several per user, each named by its owner. The public key
 * and counter are what `@simplewebauthn/server` verifies an assertion with; nothing here is secret.
 */
export const passkeys = pgTable(
  "passkeys",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => twoFactorUsers.id, { onDelete: "cascade" }),
    /** The credential's id, base64url, as the authenticator gives it. */
    credentialId: text("credential_id").notNull().unique(),
    /** The COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    // The signature counter last seen: an assertion with a counter not above it (when either is
    // non-zero) is a cloned authenticator's and is refused.
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<string[]>().notNull().default([]),
    name: text("name").notNull(),
    /** "singleDevice" (a security key) or "multiDevice" (a synced passkey). */
    deviceType: text("device_type").notNull(),
    backedUp: boolean("backed_up").notNull().default(false),
    createdAt: at("created_at").notNull(),
    lastUsedAt: at("last_used_at"),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);

export const PASSKEY_CHALLENGE_PURPOSES = ["register", "sign_in", "confirm"] as const;
export type PasskeyChallengePurpose = (typeof PASSKEY_CHALLENGE_PURPOSES)[number];

/**
 * WebAuthn challenges, single use: consumed by a conditional UPDATE before the assertion counts,
 * and bound to one pending sign-in (or signed-in session) by `attemptHash`, as SMS challenges are.
 */
export const passkeyChallenges = pgTable(
  "passkey_challenges",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => twoFactorUsers.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: PASSKEY_CHALLENGE_PURPOSES }).notNull(),
    attemptHash: text("attempt_hash").notNull(),
    /** SHA-256 of the challenge sent to the browser, base64url. */
    challengeHash: text("challenge_hash").notNull().unique(),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    consumedAt: at("consumed_at"),
  },
  (t) => [index("passkey_challenges_user_idx").on(t.userId, t.createdAt), index("passkey_challenges_created_idx").on(t.createdAt)],
);

export type Passkey = typeof passkeys.$inferSelect;
export type PasskeyChallenge = typeof passkeyChallenges.$inferSelect;
export type SmsChallenge = typeof smsChallenges.$inferSelect;
export type AuthenticatorApp = typeof authenticatorApps.$inferSelect;
export type TrustedDevice = typeof trustedDevices.$inferSelect;
