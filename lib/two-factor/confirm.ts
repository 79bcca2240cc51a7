import { recordTwoFactorEvent } from "./audit";
import { SECOND_FACTOR_METHODS } from "./auth-methods";
import type { TwoFactorDb } from "./db";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { checkAuthenticatorCode, spendAuthenticatorCode, type AuthenticatorCodeFailure, type AuthenticatorCodeInput } from "./authenticator-verify";
import { attemptBackupCode } from "./backup-code-attempt";
import type { TwoFactorFlowDeps } from "./flow";
import { DEFAULT_TWO_FACTOR_OPTIONS, type TwoFactorDeps } from "./options";
import { announceLock, secondFactorLockedUntil } from "./lockout";
import { offeredMethods, type ChallengeMethodName } from "./methods";
import { loadSecondFactorState } from "./policy";
import type { PasskeyAssertionFailure } from "./passkey-assertion";
import { confirmWithPasskey } from "./passkey-confirm";
import { sendSmsCode, type SendCodeResult } from "./send-code";
import { smsNotAccepted, smsVerdictOf } from "./sms-acceptance";
import { verifySmsCode, type VerifyCodeFailure } from "./verify-code";

/** How long a confirmed second factor lets sensitive actions through: the option's default (10 minutes). */
export const CONFIRMATION_TTL_MS = DEFAULT_TWO_FACTOR_OPTIONS.confirmationTtlMs;

/** Confirmation codes are bound to one session (its user and issue time). */
export const confirmationNonce = (userId: string, authTime: number) => `confirm:${userId}:${authTime}`;

/** A session's second factor counts as recent when it was done at sign-in or confirmed within 10 minutes. */
export function hasRecentSecondFactor(
  session: { amr: string[]; authTime: number },
  confirmedAt: number | null,
  nowMs: number,
  ttlMs = CONFIRMATION_TTL_MS,
): boolean {
  const signedInWithSecondFactor = SECOND_FACTOR_METHODS.some((method) => session.amr.includes(method));
  if (signedInWithSecondFactor && nowMs - session.authTime < ttlMs) return true;
  return confirmedAt !== null && nowMs - confirmedAt < ttlMs && confirmedAt <= nowMs;
}

/** When the page opens while the second factor is locked: until when (its forms stay disabled until then). */
export function confirmationLockedUntil(deps: TwoFactorDeps, userId: string): Promise<Date | null> {
  return secondFactorLockedUntil(deps.db, userId, deps.clock.now());
}

/**
 * What "Confirm it's you" opens with: the lock, and the methods in the challenge's order (the
 * first is shown first; nothing is texted until "Send code").
 */
export async function confirmationStatus(
  deps: TwoFactorDeps,
  userId: string,
): Promise<{ lockedUntil: Date | null; methods: ChallengeMethodName[]; hasAuthenticatorApp: boolean; hasPasskey: boolean }> {
  const now = deps.clock.now();
  const [lockedUntil, state] = await Promise.all([confirmationLockedUntil(deps, userId), loadSecondFactorState(deps, userId, now)]);
  const methods = offeredMethods(deps, state, now);
  return { lockedUntil, methods, hasAuthenticatorApp: methods.includes("authenticator"), hasPasskey: methods.includes("passkey") };
}

/** `passkey`: the code is the browser's answer (startAuthentication's JSON) to confirm/passkey-options. */
export type ConfirmMethod = "sms" | "backup" | "authenticator" | "passkey";

export async function sendConfirmationCode(
  deps: TwoFactorDeps,
  input: { userId: string; authTime: number; request: RequestInfo },
): Promise<SendCodeResult | Failure<"NOT_ENROLLED" | "SMS_NOT_ACCEPTED">> {
  const state = await loadSecondFactorState(deps, input.userId, deps.clock.now());
  if (!state?.phoneE164) return failure("NOT_ENROLLED");
  // Issue 18 policy: as at sign-in (SMS stays the one proof of a member who must still add a secure method).
  if (smsVerdictOf(state, deps.clock.now()) === "refused") return smsNotAccepted();
  return sendSmsCode(deps, {
    userId: input.userId,
    organizationId: state.organizationId,
    purpose: "confirm",
    attemptNonce: confirmationNonce(input.userId, input.authTime),
    phoneE164: state.phoneE164,
    request: input.request,
  });
}

type ConfirmInput = { userId: string; authTime: number; method: ConfirmMethod; code: string; request: RequestInfo };

/**
 * Checks an SMS code (sent for this session), a backup code, the authenticator app's code or a
 * passkey's answer; failures count toward the lock.
 */
export async function confirmSecondFactor(
  deps: TwoFactorDeps,
  input: ConfirmInput,
): Promise<{ ok: true } | VerifyCodeFailure | AuthenticatorCodeFailure | PasskeyAssertionFailure | Failure<"INVALID_BACKUP_CODE" | "NOT_ENROLLED" | "SMS_NOT_ACCEPTED">> {
  const state = await loadSecondFactorState(deps, input.userId, deps.clock.now());
  if (!state?.enrolled) return failure("NOT_ENROLLED");
  // Issue 18 policy: an SMS code is refused before it is checked, so nothing is spent.
  if (input.method === "sms" && smsVerdictOf(state, deps.clock.now()) === "refused") return smsNotAccepted();
  const confirmed = async (db: TwoFactorDb) =>
    recordTwoFactorEvent(db, {
      organizationId: state.organizationId,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      at: deps.clock.now(),
      type: "two_factor.confirmed",
      details: { method: input.method },
    });
  if (input.method === "authenticator") return confirmWithAuthenticatorCode(deps, input, state.organizationId);
  if (input.method === "passkey") {
    const done = await confirmWithPasskey(deps, input, state.organizationId, confirmed);
    return !done.ok && done.code === "SIGN_IN_ENDED" ? failure("NOT_ENROLLED") : done;
  }
  if (input.method === "backup") {
    const done = await attemptBackupCode(deps, { ...input, organizationId: state.organizationId, pending: null, unlock: confirmed });
    // A confirmation has no pending sign-in to end: a vanished user is simply not enrolled.
    if (done.ok) return { ok: true };
    return done.code === "SIGN_IN_ENDED" ? failure("NOT_ENROLLED") : done;
  }
  return deps.db.transaction(async (db) => {
    const verified = await verifySmsCode(db, deps, {
      userId: input.userId,
      purpose: "confirm",
      attemptNonce: confirmationNonce(input.userId, input.authTime),
      code: input.code,
      request: input.request,
      organizationId: state.organizationId,
    });
    if (!verified.ok) return verified;
    await confirmed(db);
    return { ok: true as const };
  });
}

/**
 * The app's code, as at sign-in: a read, then the outcome. The same last-used-step rule makes a
 * code work once, here or at sign-in; a right code is one statement with its audit event, a wrong
 * one counts toward the shared lock in a transaction.
 */
async function confirmWithAuthenticatorCode(deps: TwoFactorDeps, input: ConfirmInput, organizationId: string | null): Promise<{ ok: true } | AuthenticatorCodeFailure> {
  const code: AuthenticatorCodeInput = {
    userId: input.userId,
    code: input.code,
    request: input.request,
    purpose: "confirm",
    organizationId,
    auditOnSuccess: { type: "two_factor.confirmed", details: { method: "authenticator" } },
  };
  const checked = await checkAuthenticatorCode(deps.db, deps, code);
  if (!checked.ok) return checked;
  const spend = async (db: TwoFactorDb) => {
    const spent = await spendAuthenticatorCode(db, deps, code, checked);
    return spent.ok ? { ok: true as const } : spent;
  };
  return checked.matches ? spend(deps.db) : deps.db.transaction((tx) => spend(tx));
}

/**
 * `confirmSecondFactor`, and when the try locks the second factor, the member is emailed (after
 * the answer when the host can defer): someone who knows the password may be guessing.
 */
export async function confirmSecondFactorAndNotify(
  deps: TwoFactorFlowDeps,
  input: ConfirmInput,
): ReturnType<typeof confirmSecondFactor> {
  const confirmed = await confirmSecondFactor(deps, input);
  if (!confirmed.ok && confirmed.code === "LOCKED") await announceLock(deps, confirmed, "confirm");
  return confirmed;
}
