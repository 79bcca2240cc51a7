import { index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * oidc-provider's stored models (Grant, AuthorizationCode, RefreshToken, Session, Interaction, ...),
 * one row per model instance (lib/oauth/provider-store.ts). Identifiers are stored as SHA-256
 * hashes only: a refresh token's or code's value is its id, so a copy of this table redeems
 * nothing. `grant_id_hash` ties a grant's codes and tokens together: revoking a grant (a reused
 * code or refresh token, a revocation) deletes the family in one statement.
 */
export const oauthArtifacts = pgTable(
  "oauth_artifacts",
  {
    /** oidc-provider's model name: "RefreshToken", "AuthorizationCode", "Grant", ... */
    model: text("model").notNull(),
    idHash: text("id_hash").notNull(),
    /** The model's payload without its id (`jti`) and without `consumed` (kept in consumed_at). */
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    grantIdHash: text("grant_id_hash"),
    /** The member (users.id) a Grant was made for: the Security page lists and revokes a member's apps by it. */
    accountId: text("account_id"),
    /** A Session's uid (findByUid), hashed. */
    uidHash: text("uid_hash"),
    /** Set once by a conditional UPDATE: a code or refresh token is spent. */
    consumedAt: at("consumed_at"),
    /** null: no expiry (oidc-provider passes none). Rows past it are not found, and swept. */
    expiresAt: at("expires_at"),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.idHash] }),
    index("oauth_artifacts_grant_idx").on(t.grantIdHash),
    index("oauth_artifacts_account_idx").on(t.accountId),
    index("oauth_artifacts_uid_idx").on(t.uidHash),
    index("oauth_artifacts_expires_idx").on(t.expiresAt),
  ],
);
