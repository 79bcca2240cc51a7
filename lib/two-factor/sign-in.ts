import { recordTwoFactorEvent } from "./audit";
import type { AuthMethod, FirstFactor, SessionGrant } from "./sign-in-ticket";
import { randomToken } from "../crypto";
import type { TwoFactorDb } from "./db";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { attemptBackupCode, type BackupCodeFailure } from "./backup-code-attempt";
import type { TwoFactorDeps } from "./options";
import { firstFactorOf, type PendingSignIn } from "./pending-sign-in";
import { loadPendingStanding } from "./pending-standing";
import { challengeMethods } from "./methods";
import { loadSecondFactorState } from "./policy";
import { sendSmsCode, type SendCodeResult } from "./send-code";
import { setsUpSecureMethod, smsNotAccepted, smsVerdictOf } from "./sms-acceptance";
import { recognizeTrustedDevice, trustDevice } from "./trusted-devices";
import { checkSmsCode, spendSmsCode, type VerifyCodeFailure, type VerifyCodeInput } from "./verify-code";

export type AfterPassword =
  | { next: "session"; session: SessionGrant }
  | { next: "second_factor"; pending: PendingSignIn; sent: SendCodeResult | null; email: string };

export interface FirstFactorDone {
  userId: string;
  returnTo: string;
  deviceToken: string | undefined;
  request: RequestInfo;
  /** @default "pwd" */
  firstFactor?: FirstFactor;
}

/**
 * Decides what follows a first factor, whichever it was (a password, OIDC, an email link). No 2FA
 * due, or a trusted device of this user: the session. Otherwise a pending sign-in: "setup"
 * without any method, else "challenge", for which a code is texted at once only when the challenge
 * opens with SMS (`challengeMethods`): a member whose preferred, or else strongest, method is
 * another is sent nothing (no text, nothing counted against the SMS limits) until they choose SMS.
 */
export async function continueAfterFirstFactor(deps: TwoFactorDeps, input: FirstFactorDone): Promise<AfterPassword> {
  const firstFactor = input.firstFactor ?? "pwd";
  const { db, clock } = deps;
  const state = await loadSecondFactorState(deps, input.userId, clock.now());
  if (!state) throw new Error("user vanished between password check and second factor");
  const audit = { organizationId: state.organizationId, actorUserId: state.userId, subjectUserId: state.userId, request: input.request, at: clock.now() };
  const signedIn = async (amr: AuthMethod[]): Promise<AfterPassword> => {
    await recordTwoFactorEvent(db, { ...audit, type: "sign_in.succeeded", details: { amr } });
    return { next: "session", session: { userId: state.userId, amr } };
  };
  if (!state.required) return signedIn([firstFactor]);
  // Issue 18 policy: a member who must add a secure method is held whatever device they trust.
  const smsVerdict = smsVerdictOf(state, clock.now());
  if (state.enrolled && smsVerdict !== "secure_setup" && (await recognizeTrustedDevice(db, state.userId, input.deviceToken, clock.now()))) {
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.trusted_device_used" });
    return signedIn([firstFactor, "trusted_device"]);
  }
  const pending: PendingSignIn = {
    userId: state.userId,
    nonce: randomToken(),
    stage: state.enrolled ? "challenge" : setsUpSecureMethod(state) ? "secure_setup" : "setup",
    createdAt: clock.now().getTime(),
    returnTo: input.returnTo,
    organizationId: state.organizationId,
    ...(firstFactor === "pwd" ? {} : { firstFactor }),
  };
  const opensWithSms = state.enrolled && challengeMethods(state, clock.now())[0] === "sms";
  // Issue 18 policy: SMS not accepted for this member (a secure-methods-only organization): nothing texted.
  if (!opensWithSms || !state.phoneE164 || smsVerdict === "refused") return { next: "second_factor", pending, sent: null, email: state.email };
  const sent = await sendSmsCode(deps, {
    userId: state.userId,
    organizationId: state.organizationId,
    purpose: "sign_in",
    attemptNonce: pending.nonce,
    phoneE164: state.phoneE164,
    request: input.request,
  });
  return { next: "second_factor", pending, sent, email: state.email };
}

/** What follows a correct password: `continueAfterFirstFactor` with "pwd". */
export const continueAfterPassword = (deps: TwoFactorDeps, input: Omit<FirstFactorDone, "firstFactor">) =>
  continueAfterFirstFactor(deps, { ...input, firstFactor: "pwd" });

/** "Resend code" on the sign-in challenge: a new code voids the old one. */
export async function resendSignInCode(
  deps: TwoFactorDeps,
  pending: PendingSignIn,
  request: RequestInfo,
): Promise<SendCodeResult | Failure<"SIGN_IN_ENDED" | "SMS_NOT_ACCEPTED">> {
  if ((await loadPendingStanding(deps.db, pending)) === "ended") return failure("SIGN_IN_ENDED");
  const state = await loadSecondFactorState(deps, pending.userId, deps.clock.now());
  if (!state?.phoneE164) return failure("SMS_FAILED");
  // Issue 18 policy, re-read at each resend: a secure-methods-only organization's member with a secure method is texted nothing.
  if (smsVerdictOf(state, deps.clock.now()) === "refused") return smsNotAccepted();
  return sendSmsCode(deps, {
    userId: state.userId,
    organizationId: state.organizationId,
    purpose: "sign_in",
    attemptNonce: pending.nonce,
    phoneE164: state.phoneE164,
    request,
  });
}

export type SecondFactorCompletion =
  | {
      ok: true;
      /** Start it once this has returned: the code's consumption has committed. */
      session: SessionGrant;
      email: string;
      deviceToken: string | null;
      deviceExpiresAt: Date | null;
      /** Set when a backup code was used: how many are left. */
      backupCodesRemaining: number | null;
    }
  | VerifyCodeFailure
  | BackupCodeFailure;

export interface CompleteInput {
  pending: PendingSignIn;
  code: string;
  trustThisDevice: boolean;
  request: RequestInfo;
}

/**
 * The SMS code step: a read, then the outcome. A right code without "Trust this device" is one
 * statement (the consumption, the end of the failure run and the audit event), with it one
 * transaction with the device; a wrong code's several writes are one transaction.
 */
export async function completeWithSmsCode(deps: TwoFactorDeps, input: CompleteInput): Promise<SecondFactorCompletion> {
  const amr: AuthMethod[] = [firstFactorOf(input.pending), "sms"];
  const code: VerifyCodeInput = {
    userId: input.pending.userId,
    purpose: "sign_in",
    attemptNonce: input.pending.nonce,
    pendingSince: input.pending.createdAt,
    code: input.code,
    request: input.request,
    organizationId: await organizationOfPending(deps, input.pending),
    auditOnSuccess: { type: "sign_in.second_factor_succeeded", details: { amr } },
  };
  const checked = await checkSmsCode(deps.db, deps, code);
  if (!checked.ok) return checked;
  const spend = async (db: TwoFactorDb): Promise<SecondFactorCompletion> => {
    const verified = await spendSmsCode(db, deps, code, checked);
    if (!verified.ok) return verified;
    return finishSignIn(db, deps, input, verified, amr, null);
  };
  if (checked.matches && !input.trustThisDevice) return spend(deps.db);
  return deps.db.transaction((tx) => spend(tx));
}

/**
 * The organization of a pending sign-in's events: the one the host answered at the password step,
 * sealed in its cookie, so the code step adds no read. A cookie sealed before it held one asks again.
 */
export async function organizationOfPending(deps: TwoFactorDeps, pending: PendingSignIn): Promise<string | null> {
  if (pending.organizationId !== undefined) return pending.organizationId;
  return (await deps.host.organizationPolicy(deps.db, pending.userId)).organizationId;
}

/** "Use the backup code": each code works once; failures count toward the lock like SMS codes. */
export async function completeWithBackupCode(deps: TwoFactorDeps, input: CompleteInput): Promise<SecondFactorCompletion> {
  const { userId } = input.pending;
  const state = await loadSecondFactorState(deps, userId);
  const organizationId = state?.organizationId ?? null;
  const amr: AuthMethod[] = [firstFactorOf(input.pending), "backup_code"];
  const done = await attemptBackupCode(deps, {
    userId,
    code: input.code,
    request: input.request,
    organizationId,
    pending: input.pending,
    unlock: async (db, remaining) => {
      const at = deps.clock.now();
      await recordTwoFactorEvent(db, { organizationId, actorUserId: userId, subjectUserId: userId, request: input.request, at, type: "sign_in.second_factor_succeeded", details: { amr } });
      return finishSignIn(db, deps, input, { email: state?.email ?? "", organizationId }, amr, remaining);
    },
  });
  return done.ok ? done.unlocked : done;
}

/** After the success is recorded: the trusted device when asked for, and what the edge needs. */
export async function finishSignIn(
  db: TwoFactorDb,
  deps: TwoFactorDeps,
  input: CompleteInput,
  who: { email: string; organizationId: string | null },
  amr: AuthMethod[],
  backupCodesRemaining: number | null,
) {
  const now = deps.clock.now();
  const userId = input.pending.userId;
  const audit = { organizationId: who.organizationId, actorUserId: userId, subjectUserId: userId, request: input.request, at: now };
  let device: { token: string; expiresAt: Date } | null = null;
  if (input.trustThisDevice) {
    device = await trustDevice(db, { userId, userAgent: input.request.userAgent, now }, deps.options);
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.trusted_device_added" });
  }
  return {
    ok: true as const,
    session: { userId, amr },
    email: who.email,
    deviceToken: device?.token ?? null,
    deviceExpiresAt: device?.expiresAt ?? null,
    backupCodesRemaining,
  };
}
