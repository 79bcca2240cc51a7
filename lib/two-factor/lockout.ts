import { eq, sql } from "drizzle-orm";
import type { TwoFactorDb } from "./db";
import { twoFactorUsers } from "./schema";
import { failure, type Failure } from "../errors";
import { runAfterAnswer, type TwoFactorFlowDeps } from "./flow";
import { notifyMemberOf } from "./notices";
import type { TwoFactorOptions } from "./options";

/**
 * The lock's answer: when it lifts, and, from the try that started it, the member's email so they
 * can be told (someone may be guessing).
 */
export type LockedFailure = Failure<"LOCKED"> & { lockedUntil: Date; startedFor?: string };

/**
 * The try that started a lock tells the member by email, after the answer when the host can
 * (someone who knows the password may be guessing); a lock met by a later try says nothing.
 */
export async function announceLock(deps: Pick<TwoFactorFlowDeps, "email" | "defer" | "options">, locked: LockedFailure, where: "sign_in" | "confirm"): Promise<void> {
  const { startedFor, lockedUntil } = locked;
  if (!startedFor) return;
  const notice = { kind: "second_factor_locked", until: lockedUntil, where } as const;
  await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, startedFor, notice, deps.options.appName)));
}

export function lockedFailure(lockedUntil: Date, now: Date, startedFor?: string): LockedFailure {
  const locked = { ...failure("LOCKED", { retryAfterMs: Math.max(lockedUntil.getTime() - now.getTime(), 0) }), lockedUntil };
  return startedFor === undefined ? locked : { ...locked, startedFor };
}

/** The second factor is locked for this user until the returned time, or null. */
export async function secondFactorLockedUntil(db: TwoFactorDb, userId: string, now: Date): Promise<Date | null> {
  const [row] = await db
    .select({ lockedUntil: twoFactorUsers.secondFactorLockedUntil })
    .from(twoFactorUsers)
    .where(eq(twoFactorUsers.id, userId))
    .limit(1);
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/**
 * Counts one failed SMS or backup code. The increment and the lock are one UPDATE, so
 * concurrent failures are all counted; a resend does not touch this counter.
 */
export async function recordSecondFactorFailure(
  db: TwoFactorDb,
  userId: string,
  now: Date,
  options: Pick<TwoFactorOptions, "lockoutThreshold" | "lockoutMs">,
): Promise<{ lockedUntil: Date | null; triesLeft: number }> {
  const lockUntil = new Date(now.getTime() + options.lockoutMs);
  const locked = sql`coalesce(${twoFactorUsers.secondFactorLockedUntil} > ${now.toISOString()}::timestamptz, false)`;
  const reaches = sql`${twoFactorUsers.secondFactorFailures} + 1 >= ${options.lockoutThreshold}`;
  // A failure that lands while the user is already locked (one that raced the locking try) starts
  // no new run: the count after the lock begins at zero.
  const [row] = await db
    .update(twoFactorUsers)
    .set({
      secondFactorFailures: sql`case when ${locked} then ${twoFactorUsers.secondFactorFailures} when ${reaches} then 0 else ${twoFactorUsers.secondFactorFailures} + 1 end`,
      secondFactorLockedUntil: sql`case when not ${locked} and ${reaches} then ${lockUntil.toISOString()}::timestamptz else ${twoFactorUsers.secondFactorLockedUntil} end`,
    })
    .where(eq(twoFactorUsers.id, userId))
    .returning({ lockedUntil: twoFactorUsers.secondFactorLockedUntil, failures: twoFactorUsers.secondFactorFailures });
  const lockedUntil = row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
  return { lockedUntil, triesLeft: lockedUntil ? 0 : Math.max(options.lockoutThreshold - (row?.failures ?? 0), 0) };
}

/** A completed second factor: ends the run of failures and is shown as the last 2FA sign-in. */
export async function recordSecondFactorSuccess(db: TwoFactorDb, userId: string, now: Date): Promise<void> {
  await db.update(twoFactorUsers).set({ secondFactorFailures: 0, lastSecondFactorAt: now }).where(eq(twoFactorUsers.id, userId));
}
