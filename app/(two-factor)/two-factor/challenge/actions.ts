"use server";

import { redirect } from "next/navigation";
import { validatedAction, type ActionState } from "@/lib/action";
import { requestHost } from "@/lib/auth/cookies";
import { endPendingSignInCookie, requirePendingSignIn } from "@/lib/auth/pending";
import { twoFactorDeps } from "@/lib/server";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { resendSignInCode } from "@/lib/two-factor/sign-in";
import { z } from "zod";
import { BACKUP_CODE_FORM, completeChallenge, SMS_CODE_FORM, type ChallengeMethod } from "./complete";

// With JavaScript the challenge forms post to ./verify (route.ts); these actions serve the same
// forms without it, so they answer a finished step with a redirect (303) to where the browser goes.
// Without it, Next.js would render the challenge page again, whose sign-in just ended.
async function completed(method: ChallengeMethod, code: string, trustDevice: boolean, request: Parameters<typeof completeChallenge>[3]) {
  const state = await completeChallenge(method, code, trustDevice, request);
  if (state.redirectTo) redirect(state.redirectTo);
  return state;
}

export const verifySignInCodeAction = validatedAction(SMS_CODE_FORM, async (data, { request }): Promise<ActionState> =>
  completed("sms", data.code, data.trustDevice, request),
);

export const verifyBackupCodeAction = validatedAction(BACKUP_CODE_FORM, async (data, { request }): Promise<ActionState> =>
  completed("backup", data.backupCode, data.trustDevice, request),
);

export const resendCodeAction = validatedAction(z.object({}), async (_data, { request }): Promise<ActionState> => {
  const pending = await requirePendingSignIn("challenge");
  const deps = await twoFactorDeps(await requestHost());
  const sent = await resendSignInCode(deps, pending, request);
  if (!sent.ok && sent.code === "SIGN_IN_ENDED") redirect(await endPendingSignInCookie());
  if (!sent.ok) {
    const resendAt = sent.retryAfterMs ? new Date(Date.now() + sent.retryAfterMs).toISOString() : undefined;
    return { ok: false, error: twoFactorMessage(sent), resendAt };
  }
  return { ok: true, message: `We sent a new code to ${sent.phoneMasked}. The previous code no longer works.`, resendAt: sent.resendAt.toISOString() };
});
