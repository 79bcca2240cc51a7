"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { applyCookies, requestHost } from "@/lib/auth/cookies";
import { endPendingSignInCookie, requirePendingSignIn } from "@/lib/auth/pending";
import { twoFactorDeps } from "@/lib/server";
import { phoneField, smsCodeField, withPhoneSuggestion, messageContext, twoFactorMessage, formatPhoneInternational, sendSetupCode, finishSignInSetup, verifyPhoneForSignIn } from "@/lib/two-factor";

export const sendSetupCodeAction = withPhoneSuggestion(
  validatedAction(
    z.object({ phone: phoneField }),
    async (data, { request, formData }): Promise<ActionState> => {
      const pending = await requirePendingSignIn("setup");
      const deps = await twoFactorDeps(await requestHost());
      const sent = await sendSetupCode(deps, { userId: pending.userId, attemptNonce: pending.nonce, phone: data.phone, request, signIn: pending });
      if (!sent.ok && sent.code === "SIGN_IN_ENDED") redirect(await endPendingSignInCookie());
      if (!sent.ok) return { ok: false, error: "message" in sent ? sent.message : twoFactorMessage(sent, messageContext("setup", deps.clock.now(), formData)) };
      // The browser that just typed the number sees it in full, to catch a typo; never logged.
      return { ok: true, phoneMasked: sent.phoneMasked, phoneFull: formatPhoneInternational(data.phone), resendAt: sent.resendAt.toISOString() };
    },
    { echo: ["phone"] },
  ),
);

export const verifySetupCodeAction = validatedAction(
  z.object({ code: smsCodeField }),
  async (data, { request, formData }): Promise<ActionState> => {
    const pending = await requirePendingSignIn("setup");
    const deps = await twoFactorDeps(await requestHost());
    const done = await verifyPhoneForSignIn(deps, { pending, code: data.code, request });
    await applyCookies(done.cookies);
    if (done.redirectTo) redirect(done.redirectTo);
    if (!done.ok) return { ok: false, fieldErrors: { code: twoFactorMessage(done.failure, messageContext("setup", deps.clock.now(), formData)) } };
    return { ok: true, backupCodes: done.backupCodes, phoneMasked: done.phoneMasked };
  },
);

/** After the backup codes are stored: the session starts. */
export const finishSetupAction = validatedAction(
  z.object({ stored: z.literal("on", { message: "Confirm that you have stored your backup codes." }) }),
  async (): Promise<ActionState> => {
    const pending = await requirePendingSignIn("setup");
    const done = await finishSignInSetup(await twoFactorDeps(await requestHost()), pending);
    await applyCookies(done.cookies);
    if (done.redirectTo) redirect(done.redirectTo);
    return { ok: false, error: "Verify your phone first." };
  },
);
