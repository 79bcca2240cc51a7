"use server";

import { after } from "next/server";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { clearPendingSignIn, requestHost, writeDeviceToken } from "@/lib/auth/cookies";
import { requirePendingSignIn } from "@/lib/auth/pending";
import { startSession } from "@/lib/auth/session-cookie";
import type { RequestInfo } from "@/lib/http/client-ip";
import { emailSenderFromEnv } from "@/lib/email";
import { browserName, notifyMember, type MemberNotice } from "@/lib/notifications";
import { twoFactorDeps } from "@/lib/server";
import { backupCodeField, checkboxField, smsCodeField } from "@/lib/two-factor/fields";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { completeWithBackupCode, completeWithSmsCode, resendSignInCode, type SecondFactorCompletion } from "@/lib/two-factor/sign-in";

type Complete = typeof completeWithSmsCode;

async function complete(method: Complete, code: string, trustThisDevice: boolean, request: RequestInfo, field: string) {
  const pending = await requirePendingSignIn("challenge");
  const deps = await twoFactorDeps(await requestHost());
  const done: SecondFactorCompletion = await method(deps, { pending, code, trustThisDevice, request });
  if (!done.ok) return { ok: false, fieldErrors: { [field]: twoFactorMessage(done) } } satisfies ActionState;
  if (done.deviceToken && done.deviceExpiresAt) await writeDeviceToken(done.deviceToken, done.deviceExpiresAt);
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
  // No server redirect: that would render the next page into this response. The browser moves
  // on by itself, so the step costs only the check and the session.
  return { ok: true, message: "Verified. Signing you in…", redirectTo: pending.returnTo } satisfies ActionState;
}

export const verifySignInCodeAction = validatedAction(
  z.object({ code: smsCodeField, trustDevice: checkboxField }),
  async (data, { request }): Promise<ActionState> =>
    complete(completeWithSmsCode, data.code, data.trustDevice, request, "code"),
);

export const verifyBackupCodeAction = validatedAction(
  z.object({ backupCode: backupCodeField, trustDevice: checkboxField }),
  async (data, { request }): Promise<ActionState> =>
    complete(completeWithBackupCode, data.backupCode, data.trustDevice, request, "backupCode"),
);

export const resendCodeAction = validatedAction(z.object({}), async (_data, { request }): Promise<ActionState> => {
  const pending = await requirePendingSignIn("challenge");
  const deps = await twoFactorDeps(await requestHost());
  const sent = await resendSignInCode(deps, pending, request);
  if (!sent.ok) {
    const resendAt = sent.retryAfterMs ? new Date(Date.now() + sent.retryAfterMs).toISOString() : undefined;
    return { ok: false, error: twoFactorMessage(sent), resendAt };
  }
  return { ok: true, message: `We sent a new code to ${sent.phoneMasked}. The previous code no longer works.`, resendAt: sent.resendAt.toISOString() };
});
