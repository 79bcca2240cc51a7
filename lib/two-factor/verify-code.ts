import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, notExists, sql } from "drizzle-orm";
import { recordAuditEvent } from "../audit";
import { constantTimeEqual, sha256 } from "../crypto";
import type { Db } from "../db/client";
import { smsChallenges, users, type ChallengePurpose } from "../db/schema";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordSecondFactorSuccess, recordSecondFactorFailure, secondFactorLockedUntil } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { smsCodeHmac } from "./sms-code";

export type VerifyCodeFailure =
  | Failure<"INVALID_CODE"> & { triesLeft: number }
  | Failure<"NO_ACTIVE_CODE">
  | Failure<"LOCKED">;
export type VerifyCodeResult = { ok: true; phoneE164: string } | VerifyCodeFailure;

export interface VerifyCodeInput {
  userId: string;
  organizationId: string | null;
  purpose: ChallengePurpose;
  attemptNonce: string;
  code: string;
  request: RequestInfo | null;
}

/**
 * Checks a code against the newest live challenge of this user, purpose and sign-in attempt,
 * and consumes it. Run it inside the caller's transaction so that what the code unlocks
 * commits with the consumption, or not at all.
 *
 * A try is reserved (attempts + 1, only while attempts < max) before the code is compared, so
 * even concurrent guesses get at most `maxTriesPerCode` comparisons; consumption is a
 * conditional UPDATE, so a code is accepted once however many submit it together.
 */
export async function verifySmsCode(db: Db, deps: TwoFactorDeps, input: VerifyCodeInput): Promise<VerifyCodeResult> {
  const { clock, options } = deps;
  const now = clock.now();
  const live = and(
    eq(smsChallenges.userId, input.userId),
    eq(smsChallenges.purpose, input.purpose),
    eq(smsChallenges.attemptHash, sha256(input.attemptNonce)),
    isNotNull(smsChallenges.sentAt),
    isNull(smsChallenges.consumedAt),
    isNull(smsChallenges.voidedAt),
    gt(smsChallenges.expiresAt, now),
  );
  const newestLive = db.select({ id: smsChallenges.id }).from(smsChallenges).where(live).orderBy(desc(smsChallenges.createdAt)).limit(1);
  const locked = db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, input.userId), gt(users.secondFactorLockedUntil, now)));
  // One statement finds the newest live code, checks the lock and reserves the try.
  const [reserved] = await db
    .update(smsChallenges)
    .set({ attempts: sql`${smsChallenges.attempts} + 1` })
    .where(and(inArray(smsChallenges.id, newestLive), live, lt(smsChallenges.attempts, options.maxTriesPerCode), notExists(locked)))
    .returning({ id: smsChallenges.id, attempts: smsChallenges.attempts, codeHmac: smsChallenges.codeHmac, phoneE164: smsChallenges.phoneE164 });
  if (!reserved) return (await secondFactorLockedUntil(db, input.userId, now)) ? failure("LOCKED") : failure("NO_ACTIVE_CODE");

  const matches = constantTimeEqual(reserved.codeHmac, smsCodeHmac(deps.codeKey, reserved.id, input.code));
  if (matches) {
    const [consumed] = await db
      .update(smsChallenges)
      .set({ consumedAt: now })
      .where(and(eq(smsChallenges.id, reserved.id), isNull(smsChallenges.consumedAt)))
      .returning({ id: smsChallenges.id });
    if (consumed) {
      await recordSecondFactorSuccess(db, input.userId, now);
      return { ok: true, phoneE164: reserved.phoneE164 };
    }
    return failure("NO_ACTIVE_CODE");
  }

  const triesLeft = Math.max(options.maxTriesPerCode - reserved.attempts, 0);
  if (triesLeft === 0) {
    await db.update(smsChallenges).set({ voidedAt: now }).where(eq(smsChallenges.id, reserved.id));
  }
  const { lockedUntil } = await recordSecondFactorFailure(db, input.userId, now, options);
  const audit = { organizationId: input.organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: now };
  await recordAuditEvent(db, { ...audit, type: "two_factor.code_failed", details: { purpose: input.purpose, triesLeft } });
  if (lockedUntil) {
    await recordAuditEvent(db, { ...audit, type: "two_factor.locked", details: { until: lockedUntil.toISOString() } });
    return failure("LOCKED");
  }
  return { ...failure("INVALID_CODE"), triesLeft };
}
