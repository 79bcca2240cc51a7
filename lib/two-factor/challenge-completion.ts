import type { RequestInfo } from "../http/client-ip";
import { safeReturnPath } from "../return-path";
import { browserName } from "./browser-name";
import type { CookieInstruction } from "./cookies";
import { flowCookiesAndPaths, runAfterAnswer, type FlowAnswer, type TwoFactorFlowDeps } from "./flow";
import { completeWithAuthenticatorCode, type AuthenticatorCompletion } from "./authenticator-sign-in";
import { announceLock } from "./lockout";
import { notifyMemberOf, type TwoFactorNotice } from "./notices";
import { stagePath } from "./paths";
import type { PendingSignIn } from "./pending-sign-in";
import { completeWithPasskey, type PasskeyCompletion } from "./passkey-sign-in";
import { completeWithBackupCode, completeWithSmsCode, type SecondFactorCompletion } from "./sign-in";
import { holdForSecureMethod, smsVerdictAtChallenge } from "./secure-setup-hold";
import type { Failure } from "../errors";

// passkey: `code` is the browser's answer (startAuthentication's) as JSON.
const METHODS = { sms: completeWithSmsCode, backup: completeWithBackupCode, authenticator: completeWithAuthenticatorCode, passkey: completeWithPasskey } as const;
export type ChallengeMethod = keyof typeof METHODS;

type CompletionFailure = Exclude<SecondFactorCompletion | AuthenticatorCompletion | PasskeyCompletion, { ok: true }> | Failure<"SMS_NOT_ACCEPTED">;

export type ChallengeAnswer = FlowAnswer &
  (
    | { ok: true; redirectTo: string }
    /** No pending sign-in of the challenge stage: the browser goes where it belongs. */
    | { ok: false; code: "SESSION_EXPIRED"; redirectTo: string }
    /** Something ended the sign-in: its cookie goes, the browser to sign-in. */
    | { ok: false; code: "SIGN_IN_ENDED"; failure: CompletionFailure; redirectTo: string }
    | { ok: false; code: "LOCKED"; failure: Extract<CompletionFailure, { code: "LOCKED" }>; redirectTo: null }
    /** The code was not accepted: the answer for the code's field. */
    | { ok: false; code: Exclude<CompletionFailure["code"], "SIGN_IN_ENDED" | "LOCKED">; failure: CompletionFailure; redirectTo: null }
  );

/**
 * The sign-in challenge's last step: checks the code of the pending sign-in (`pending`, read from
 * its cookie by the edge; null when missing or expired) and, when it is right, answers with the
 * trusted-device cookie if asked for, the host's session cookies and the pending sign-in's end.
 */
export async function completeSignInChallenge(
  deps: TwoFactorFlowDeps,
  input: { method: ChallengeMethod; pending: PendingSignIn | null; code: string; trustThisDevice: boolean; request: RequestInfo },
): Promise<ChallengeAnswer> {
  const { pending } = input;
  const { cookies: flowCookies, paths } = flowCookiesAndPaths(deps.options);
  if (!pending) return { ok: false, code: "SESSION_EXPIRED", cookies: [], redirectTo: paths.signInExpired };
  if (pending.stage !== "challenge") return { ok: false, code: "SESSION_EXPIRED", cookies: [], redirectTo: stagePath(paths, pending.stage) };
  // Issue 18 policy, re-read now: an SMS code refused (nothing checked or spent), or one that only leads to adding a secure method.
  const smsVerdict = input.method === "sms" ? await smsVerdictAtChallenge(deps, pending) : "accepted";
  if (smsVerdict === "refused") return { ok: false, code: "SMS_NOT_ACCEPTED", failure: { ok: false, code: "SMS_NOT_ACCEPTED" }, cookies: [], redirectTo: null };
  const trustThisDevice = smsVerdict === "accepted" && input.trustThisDevice;
  const done = await METHODS[input.method](deps, { pending, code: input.code, trustThisDevice, request: input.request });
  if (!done.ok) {
    if (done.code === "SIGN_IN_ENDED") {
      return { ok: false, code: done.code, failure: done, cookies: [flowCookies.pendingSignIn.clear()], redirectTo: paths.signInEnded };
    }
    if (done.code === "LOCKED") {
      await announceLock(deps, done, "sign_in");
      return { ok: false, code: done.code, failure: done, cookies: [], redirectTo: null };
    }
    return { ok: false, code: done.code, failure: done, cookies: [], redirectTo: null };
  }
  if (smsVerdict === "secure_setup") return holdForSecureMethod(deps, pending);
  const cookies: CookieInstruction[] = [];
  if (done.deviceToken && done.deviceExpiresAt) cookies.push(flowCookies.trustedDevice.set(done.deviceToken, done.deviceExpiresAt));
  const notices: TwoFactorNotice[] = [];
  if (done.deviceToken) notices.push({ kind: "device_trusted", browser: browserName(input.request.userAgent), trustedForMs: deps.options.trustedDeviceTtlMs });
  if (done.backupCodesRemaining !== null) notices.push({ kind: "backup_code_used", remaining: done.backupCodesRemaining });
  if (notices.length > 0) {
    await runAfterAnswer(deps, async () => {
      for (const notice of notices) await notifyMemberOf(deps.email, done.email, notice, deps.options.appName);
    });
  }
  cookies.push(...(await deps.startSession(done.session, deps.clock.now())), flowCookies.pendingSignIn.clear());
  return { ok: true, cookies, redirectTo: safeReturnPath(pending.returnTo, "/", [paths.signIn, paths.twoFactor]) };
}
