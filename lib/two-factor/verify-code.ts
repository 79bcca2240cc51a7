import { eq } from "drizzle-orm";
import { recordTwoFactorEvent } from "./audit";
import { constantTimeEqual, sha256 } from "../crypto";
import type { TwoFactorDb } from "./db";
import { smsChallenges, type ChallengePurpose } from "./schema";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { consumeMatchedChallenge, findLiveChallenge, spendWrongTry, type OwnAuditEvent } from "./code-consumption";
import { lockedFailure, recordSecondFactorFailure, secondFactorLockedUntil, type LockedFailure } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { smsCodeHmac } from "./sms-code";

export type VerifyCodeFailure =
  | Failure<"INVALID_CODE"> & { triesLeft: number }
  | Failure<"NO_ACTIVE_CODE">
  | LockedFailure
  | Failure<"SIGN_IN_ENDED">;
export type VerifyCodeResult =
  | { ok: true; phoneE164: string; email: string; organizationId: string | null }
  | VerifyCodeFailure;

export interface VerifyCodeInput {
  userId: string;
  purpose: ChallengePurpose;
  attemptNonce: string;
  code: string;
  request: RequestInfo | null;
  /** The organization of the step's events (the host's answer the step already has). */
  organizationId: string | null;
  /** At sign-in: when the pending sign-in began; a code is refused once something ended it. */
  pendingSince?: number;
  /** An event to record with the consumption, in the same statement (the sign-in's success). */
  auditOnSuccess?: Pick<OwnAuditEvent, "type" | "details">;
}

/** A code compared with the newest live challenge: whether it matched, and what the outcome needs. */
export interface ComparedCode {
  ok: true;
  matches: boolean;
  challengeId: string;
  email: string;
  organizationId: string | null;
  now: Date;
}
export type CheckedCode = ComparedCode | VerifyCodeFailure;

/**
 * Reads the newest live challenge of this user, purpose and sign-in attempt and compares the code
 * with it in constant time. Only a read: the outcome counts through `spendSmsCode`.
 */
export async function checkSmsCode(db: TwoFactorDb, deps: TwoFactorDeps, input: VerifyCodeInput): Promise<CheckedCode> {
  const now = deps.clock.now();
  const live = await findLiveChallenge(db, { userId: input.userId, purpose: input.purpose, attemptHash: sha256(input.attemptNonce), now });
  if (!live) return failure("NO_ACTIVE_CODE");
  const ended = live.pendingSignInsValidAfter;
  if (input.pendingSince !== undefined && ended && input.pendingSince < ended.getTime()) return failure("SIGN_IN_ENDED");
  if (live.lockedUntil && live.lockedUntil > now) return lockedFailure(live.lockedUntil, now);
  if (!live.challengeId || !live.codeHmac) return failure("NO_ACTIVE_CODE");
  const matches = constantTimeEqual(live.codeHmac, smsCodeHmac(deps.codeKey, live.challengeId, input.code));
  return { ok: true, matches, challengeId: live.challengeId, email: live.email, organizationId: input.organizationId, now };
}

/**
 * The outcome of a checked code. It only counts through a conditional UPDATE that spends a try
 * while tries are left: however many guesses arrive together, at most `maxTriesPerCode` get an
 * answer, and a right code is accepted once. A guess past the limit is answered NO_ACTIVE_CODE
 * whether it was right or wrong. A right code is one statement (run it on its own or inside the
 * transaction of what it unlocks); a wrong one is several, to run in a transaction.
 */
export async function spendSmsCode(
  db: TwoFactorDb,
  deps: TwoFactorDeps,
  input: VerifyCodeInput,
  checked: ComparedCode,
): Promise<VerifyCodeResult> {
  if (!checked.matches) return recordWrongCode(db, deps, input, checked);
  const { now, challengeId, organizationId } = checked;
  const audit = input.auditOnSuccess ? { ...input.auditOnSuccess, organizationId, request: input.request } : null;
  const consumed = await consumeMatchedChallenge(db, { challengeId, userId: input.userId, now, maxTries: deps.options.maxTriesPerCode, audit });
  if (!consumed) return noUsableCode(db, input.userId, now);
  return { ok: true, phoneE164: consumed.phoneE164, email: checked.email, organizationId };
}

/** Spends a try on a wrong code, voids the code at the last one, counts the failure. */
async function recordWrongCode(db: TwoFactorDb, deps: TwoFactorDeps, input: VerifyCodeInput, checked: ComparedCode): Promise<VerifyCodeFailure> {
  const { options } = deps;
  const { now, challengeId } = checked;
  const reserved = await spendWrongTry(db, { challengeId, userId: input.userId, now, maxTries: options.maxTriesPerCode });
  if (!reserved) return noUsableCode(db, input.userId, now);
  const triesLeft = Math.max(options.maxTriesPerCode - reserved.attempts, 0);
  if (triesLeft === 0) await db.update(smsChallenges).set({ voidedAt: now }).where(eq(smsChallenges.id, challengeId));
  const { lockedUntil } = await recordSecondFactorFailure(db, input.userId, now, options);
  const audit = { organizationId: checked.organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: now };
  await recordTwoFactorEvent(db, { ...audit, type: "two_factor.code_failed", details: { purpose: input.purpose, triesLeft } });
  if (lockedUntil) {
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.locked", details: { until: lockedUntil.toISOString() } });
    return lockedFailure(lockedUntil, now, checked.email);
  }
  return { ...failure("INVALID_CODE"), triesLeft };
}

async function noUsableCode(db: TwoFactorDb, userId: string, now: Date): Promise<VerifyCodeFailure> {
  const lockedUntil = await secondFactorLockedUntil(db, userId, now);
  return lockedUntil ? lockedFailure(lockedUntil, now) : failure("NO_ACTIVE_CODE");
}

/**
 * Checks a code and spends it, both on `db`: run it inside the caller's transaction so that what
 * the code unlocks commits with the consumption, or not at all.
 */
export async function verifySmsCode(db: TwoFactorDb, deps: TwoFactorDeps, input: VerifyCodeInput): Promise<VerifyCodeResult> {
  const checked = await checkSmsCode(db, deps, input);
  if (!checked.ok) return checked;
  return spendSmsCode(db, deps, input, checked);
}
