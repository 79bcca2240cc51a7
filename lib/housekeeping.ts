import { sql } from "drizzle-orm";
import { PORTAL_TWO_FACTOR_SETTINGS } from "./auth/portal-cookies";
import { SESSION_MAX_AGE_SECONDS } from "./auth/config.edge";
import { RESET_LIMITS, RESET_LINK_TTL_MS } from "./auth/password-reset";
import { SIGN_IN_LIMITS } from "./auth/password-sign-in";
import { EMAIL_LINK_LIMIT, EMAIL_LINK_MAX_AGE_SECONDS } from "./auth/providers";
import type { Clock } from "./clock";
import type { Db } from "./db/client";
import { endedSessions, outboxMessages, passwordResetTokens, rateLimitBuckets, sessions, verificationTokens } from "./db/schema";
import { sweepExpiredArtifacts } from "./oauth/artifacts";
import type { RateLimitRule } from "./rate-limit";
import { deleteInBatches, SWEEP_BATCH_SIZE } from "./two-factor/batch-delete";
import { twoFactorOptions, type TwoFactorOptions } from "./two-factor/options";
import { sweepTwoFactorTables, type TwoFactorSweepCounts } from "./two-factor/sweep";

/** Every rule the portal counts in rate_limit_buckets: a bucket is kept for the longest window. */
export const RATE_LIMIT_RULES: readonly RateLimitRule[] = [SIGN_IN_LIMITS.perAccount, SIGN_IN_LIMITS.perIp, RESET_LIMITS.perEmail, RESET_LIMITS.perIp, EMAIL_LINK_LIMIT];

/** The portal's mount of the plugin, as far as the sweep reads it (the defaults with the portal's settings). */
export const PORTAL_SWEEP_OPTIONS: TwoFactorOptions = twoFactorOptions(PORTAL_TWO_FACTOR_SETTINGS);

/** How long each swept table keeps a row, from the numbers the code that reads it uses (README, Housekeeping). */
export function retentionMs() {
  return {
    /** A bucket past every rule's window starts afresh at the next hit whether or not its row is there. */
    rateLimitBuckets: Math.max(...RATE_LIMIT_RULES.map((rule) => rule.windowMs)),
    /** A signed-out JWT is refused for as long as a session issued at its auth time could be presented. */
    endedSessions: SESSION_MAX_AGE_SECONDS * 1000,
    /** Outbox messages carry codes and links; kept while the longest-lived of them still works. */
    outboxMessages: Math.max(EMAIL_LINK_MAX_AGE_SECONDS * 1000, RESET_LINK_TTL_MS, PORTAL_SWEEP_OPTIONS.codeTtlMs),
    /** A database session is refused past its fixed lifetime from its auth time, or past `expires`. */
    sessions: SESSION_MAX_AGE_SECONDS * 1000,
  };
}

export type SweepCounts = TwoFactorSweepCounts & {
  rate_limit_buckets: number;
  ended_sessions: number;
  password_reset_tokens: number;
  outbox_messages: number;
  sessions: number;
  verification_tokens: number;
  oauth_artifacts: number;
};

export interface SweepDeps {
  db: Db;
  clock: Clock;
  /** The plugin's options as the portal mounts it. @default PORTAL_SWEEP_OPTIONS */
  options?: TwoFactorOptions;
}

/**
 * Deletes every expired row no limit or guarantee reads any more, table by table, in batches
 * (lib/two-factor/batch-delete.ts): safe to run on several instances at once. The audit log is
 * never swept. Returns how many rows this run deleted, per table.
 */
export async function sweepExpiredRows(deps: SweepDeps, batchSize = SWEEP_BATCH_SIZE): Promise<SweepCounts> {
  const { db } = deps;
  const now = deps.clock.now();
  const retention = retentionMs();
  const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
  const before = (ms: number) => new Date(now.getTime() - ms);
  const twoFactor = await sweepTwoFactorTables({ db, clock: { now: () => now }, options: deps.options ?? PORTAL_SWEEP_OPTIONS }, batchSize);
  return {
    ...twoFactor,
    rate_limit_buckets: await deleteInBatches(db, rateLimitBuckets, sql`${rateLimitBuckets.windowStartedAt} <= ${at(before(retention.rateLimitBuckets))}`, batchSize),
    ended_sessions: await deleteInBatches(db, endedSessions, sql`${endedSessions.authTime} <= ${before(retention.endedSessions).getTime()}`, batchSize),
    password_reset_tokens: await deleteInBatches(db, passwordResetTokens, sql`${passwordResetTokens.expiresAt} <= ${at(now)}`, batchSize),
    outbox_messages: await deleteInBatches(db, outboxMessages, sql`${outboxMessages.createdAt} <= ${at(before(retention.outboxMessages))}`, batchSize),
    sessions: await deleteInBatches(
      db,
      sessions,
      // next-auth (@auth/core) still takes a row whose `expires` is this very millisecond.
      sql`(${sessions.expires} < ${at(now)} or ${sessions.authTime} <= ${at(before(retention.sessions))})`,
      batchSize,
    ),
    verification_tokens: await deleteInBatches(db, verificationTokens, sql`${verificationTokens.expires} < ${at(now)}`, batchSize),
    // Apps' codes, tokens, grants and provider sessions: one past `expires_at` is never found again.
    oauth_artifacts: await sweepExpiredArtifacts({ db, clock: { now: () => now } }, batchSize),
  };
}
