"use server";

import { redirect } from "next/navigation";
import { validatedAction, type ActionState } from "@/lib/action";
import { requestHost } from "@/lib/auth/cookies";
import { endPendingSignInCookie, requirePendingSignIn } from "@/lib/auth/pending";
import { twoFactorDeps } from "@/lib/server";
import { messageContext, twoFactorMessage, resendSignInCode } from "@/lib/two-factor";
import { z } from "zod";
import { BACKUP_CODE_FORM, completeChallenge, SMS_CODE_FORM } from "./complete";

// With JavaScript the challenge forms post to ./verify (route.ts); these actions serve the same
// forms without it, so they answer a finished step with a redirect (303) to where the browser goes.
// Without it, Next.js would render the challenge page again, whose sign-in just ended.
async function completed(...args: Parameters<typeof completeChallenge>) {
  const state = await completeChallenge(...args);
  if (state.redirectTo) redirect(state.redirectTo);
  return state;
}

export const verifySignInCodeAction = validatedAction(SMS_CODE_FORM, async (data, { request }): Promise<ActionState> =>
  completed("sms", data.code, data.trustDevice, request, data.timeZone),
);

export const verifyBackupCodeAction = validatedAction(BACKUP_CODE_FORM, async (data, { request }): Promise<ActionState> =>
  completed("backup", data.backupCode, data.trustDevice, request, data.timeZone),
);

export const resendCodeAction = validatedAction(z.object({}), async (_data, { request, formData }): Promise<ActionState> => {
  const pending = await requirePendingSignIn("challenge");
  const deps = await twoFactorDeps(await requestHost());
  const sent = await resendSignInCode(deps, pending, request);
  if (!sent.ok && sent.code === "SIGN_IN_ENDED") redirect(await endPendingSignInCookie());
  if (!sent.ok) {
    const now = deps.clock.now();
    const resendAt = sent.code === "RESEND_TOO_SOON" && sent.retryAfterMs ? new Date(now.getTime() + sent.retryAfterMs).toISOString() : undefined;
    const lockedUntil = sent.code === "LOCKED" ? sent.lockedUntil.toISOString() : undefined;
    return { ok: false, error: twoFactorMessage(sent, messageContext("challenge", now, formData)), resendAt, lockedUntil };
  }
  return { ok: true, message: `We sent a new code to ${sent.phoneMasked}. The previous code no longer works.`, resendAt: sent.resendAt.toISOString() };
});
