import { sql } from "drizzle-orm";
import type { Clock } from "../clock";
import { deleteInBatches, SWEEP_BATCH_SIZE } from "./batch-delete";
import type { TwoFactorDb } from "./db";
import type { TwoFactorOptions } from "./options";
import { passkeyChallenges, signInTickets, smsChallenges, trustedDevices } from "./schema";
import { ACCOUNT_CODE_WINDOW_MS, PHONE_CODE_WINDOW_MS } from "./send-code";

export interface TwoFactorSweepDeps {
  db: TwoFactorDb;
  clock: Clock;
  options: Pick<TwoFactorOptions, "resendIntervalMs" | "pendingSignInTtlMs">;
}

export interface TwoFactorSweepCounts {
  sms_challenges: number;
  sign_in_tickets: number;
  trusted_devices: number;
  passkey_challenges: number;
}

/**
 * How long an SMS challenge is kept after it was created (and, at the least, until its code
 * expires): the longest window that counts it (codes per phone per day and the daily cap, codes
 * per account per hour), the resend interval of its attempt, and the pending sign-in it belongs to.
 */
export function smsChallengeRetentionMs(options: TwoFactorSweepDeps["options"]): number {
  return Math.max(PHONE_CODE_WINDOW_MS, ACCOUNT_CODE_WINDOW_MS, options.resendIntervalMs, options.pendingSignInTtlMs);
}

/**
 * Deletes the plugin's rows that no limit or guarantee reads any more: SMS challenges outside
 * every window that counts them and past their code's expiry, sign-in tickets past their expiry
 * (consumed or not: an expired ticket is refused whether its row is there or not) and trusted
 * devices past their expiry (revoked or not), and passkey challenges past their expiry (answered
 * or not: nothing counts them, and an expired one is refused whether its row is there or not).
 * The audit log is never swept.
 */
export async function sweepTwoFactorTables(deps: TwoFactorSweepDeps, batchSize = SWEEP_BATCH_SIZE): Promise<TwoFactorSweepCounts> {
  const now = deps.clock.now();
  const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
  const countedSince = new Date(now.getTime() - smsChallengeRetentionMs(deps.options));
  return {
    sms_challenges: await deleteInBatches(
      deps.db,
      smsChallenges,
      sql`${smsChallenges.createdAt} <= ${at(countedSince)} and ${smsChallenges.expiresAt} <= ${at(now)}`,
      batchSize,
    ),
    sign_in_tickets: await deleteInBatches(deps.db, signInTickets, sql`${signInTickets.expiresAt} <= ${at(now)}`, batchSize),
    trusted_devices: await deleteInBatches(deps.db, trustedDevices, sql`${trustedDevices.expiresAt} <= ${at(now)}`, batchSize),
    passkey_challenges: await deleteInBatches(deps.db, passkeyChallenges, sql`${passkeyChallenges.expiresAt} <= ${at(now)}`, batchSize),
  };
}
