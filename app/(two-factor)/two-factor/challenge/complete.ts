import { after } from "next/server";
import { z } from "zod";
import type { ActionState } from "@/lib/action";
import { applyCookies, clearPendingSignIn, requestHost } from "@/lib/auth/cookies";
import { portalCookies } from "@/lib/auth/portal-cookies";
import { endPendingSignInCookie, pendingSignInOf } from "@/lib/auth/pending";
import { safeReturnPath } from "@/lib/auth/return-path";
import { startSession } from "@/lib/auth/session-cookie";
import { emailSenderFromEnv } from "@/lib/email";
import type { RequestInfo } from "@/lib/http/client-ip";
import { browserName, notifyMember, type MemberNotice } from "@/lib/notifications";
import { twoFactorDeps } from "@/lib/server";
import { backupCodeField, checkboxField, smsCodeField } from "@/lib/two-factor/fields";
import { twoFactorMessage, type TwoFactorMessageContext } from "@/lib/two-factor/messages";
import { completeWithBackupCode, completeWithSmsCode } from "@/lib/two-factor/sign-in";

// The sign-in challenge's second step, shared by its server actions (forms without JavaScript)
// and its route handler (the same forms with JavaScript: no page is rendered into the answer).

// `timeZone`: the browser's, so a lock or limit says when it lifts in the member's own time.
const timeZoneField = z.string().max(64).optional();
export const SMS_CODE_FORM = z.object({ code: smsCodeField, trustDevice: checkboxField, timeZone: timeZoneField });
export const BACKUP_CODE_FORM = z.object({ backupCode: backupCodeField, trustDevice: checkboxField, timeZone: timeZoneField });

const METHODS = {
  sms: { complete: completeWithSmsCode, field: "code" },
  backup: { complete: completeWithBackupCode, field: "backupCode" },
} as const;
export type ChallengeMethod = keyof typeof METHODS;

/** Checks the code of the pending sign-in and, when it is right, starts the session. */
export async function completeChallenge(
  method: ChallengeMethod,
  code: string,
  trustThisDevice: boolean,
  request: RequestInfo,
  timeZone?: string,
): Promise<ActionState> {
  const deps = await twoFactorDeps(await requestHost());
  const context: TwoFactorMessageContext = { screen: "challenge", now: deps.clock.now(), timeZone };
  const found = await pendingSignInOf("challenge");
  if ("redirectTo" in found) return { ok: false, error: twoFactorMessage({ code: "SESSION_EXPIRED" }, context), redirectTo: found.redirectTo };
  const { pending } = found;
  const { complete, field } = METHODS[method];
  const done = await complete(deps, { pending, code, trustThisDevice, request });
  if (!done.ok && done.code === "SIGN_IN_ENDED") return { ok: false, error: twoFactorMessage(done, context), redirectTo: await endPendingSignInCookie() };
  if (!done.ok && done.code === "LOCKED") {
    const { startedFor, lockedUntil } = done;
    if (startedFor) after(() => notifyMember(emailSenderFromEnv(), startedFor, { kind: "second_factor_locked", until: lockedUntil }));
    return { ok: false, error: twoFactorMessage(done, context), lockedUntil: lockedUntil.toISOString() };
  }
  if (!done.ok) return { ok: false, fieldErrors: { [field]: twoFactorMessage(done, context) } };
  if (done.deviceToken && done.deviceExpiresAt) await applyCookies([portalCookies.trustedDevice.set(done.deviceToken, done.deviceExpiresAt)]);
  const notices: MemberNotice[] = [];
  if (done.deviceToken) notices.push({ kind: "device_trusted", browser: browserName(request.userAgent) });
  if (done.backupCodesRemaining !== null) notices.push({ kind: "backup_code_used", remaining: done.backupCodesRemaining });
  if (notices.length > 0) {
    after(async () => {
      for (const notice of notices) await notifyMember(emailSenderFromEnv(), done.email, notice);
    });
  }
  await startSession(done.session, deps.clock.now());
  await clearPendingSignIn();
  return { ok: true, message: "Verified. Signing you in…", redirectTo: safeReturnPath(pending.returnTo) };
}
