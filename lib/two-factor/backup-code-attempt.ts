import { eq } from "drizzle-orm";
import { recordTwoFactorEvent } from "./audit";
import type { TwoFactorDb } from "./db";
import { twoFactorUsers } from "./schema";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { countUnusedBackupCodes, markBackupCodeUsed, matchBackupCode } from "./backup-codes";
import { lockedFailure, recordSecondFactorFailure, recordSecondFactorSuccess, type LockedFailure } from "./lockout";
import type { TwoFactorDeps } from "./options";
import type { PendingSignIn } from "./pending-sign-in";
import { standingColumns, standingOf } from "./pending-standing";

export type BackupCodeFailure =
  | (Failure<"INVALID_BACKUP_CODE"> & { triesLeft?: number })
  | LockedFailure
  | Failure<"SIGN_IN_ENDED">;
export type BackupCodeAttempt<T> = { ok: true; remaining: number; unlocked: T } | BackupCodeFailure;

export interface BackupCodeInput<T> {
  userId: string;
  code: string;
  request: RequestInfo;
  organizationId: string | null;
  /** At sign-in: the attempt, which must still stand. Null for "Confirm it's you". */
  pending: Pick<PendingSignIn, "createdAt" | "stage" | "ticket"> | null;
  /** What a right code unlocks, committed with its use or not at all. */
  unlock: (db: TwoFactorDb, remaining: number) => Promise<T>;
}

/**
 * One backup-code try, at sign-in or at confirmation. The user's row is locked first, so the
 * lock check, the argon2 comparison and the count happen one try at a time per user: however many
 * arrive together, at most `lockoutThreshold` are compared before the lock, and none after it.
 * A code of the set that is already used (a double submit, a code typed again) is refused without
 * counting: only a guess counts toward the lock.
 */
export function attemptBackupCode<T>(deps: TwoFactorDeps, input: BackupCodeInput<T>): Promise<BackupCodeAttempt<T>> {
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const { userId } = input;
    const [user] = await db
      .select({
        lockedUntil: twoFactorUsers.secondFactorLockedUntil,
        email: twoFactorUsers.email,
        ...standingColumns,
      })
      .from(twoFactorUsers)
      .where(eq(twoFactorUsers.id, userId))
      .for("update");
    if (!user || (input.pending && standingOf(input.pending, user) === "ended")) return failure("SIGN_IN_ENDED");
    if (user.lockedUntil && user.lockedUntil > now) return lockedFailure(user.lockedUntil, now);
    const audit = { organizationId: input.organizationId, actorUserId: userId, subjectUserId: userId, request: input.request, at: now };
    const match = await matchBackupCode(db, userId, input.code);
    if (match) {
      if (match.used || !(await markBackupCodeUsed(db, match.id, now))) return failure("INVALID_BACKUP_CODE");
      await recordSecondFactorSuccess(db, userId, now);
      const remaining = await countUnusedBackupCodes(db, userId);
      await recordTwoFactorEvent(db, { ...audit, type: "two_factor.backup_code_used", details: { remaining } });
      return { ok: true as const, remaining, unlocked: await input.unlock(db, remaining) };
    }
    const { lockedUntil, triesLeft } = await recordSecondFactorFailure(db, userId, now, deps.options);
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.backup_code_failed" });
    if (!lockedUntil) return { ...failure("INVALID_BACKUP_CODE"), triesLeft };
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.locked", details: { until: lockedUntil.toISOString() } });
    return lockedFailure(lockedUntil, now, user.email);
  });
}
