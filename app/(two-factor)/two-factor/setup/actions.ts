"use server";

import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { clearPendingSignIn, requestHost, writePendingSignIn } from "@/lib/auth/cookies";
import { endPendingSignInCookie, requirePendingSignIn } from "@/lib/auth/pending";
import { safeReturnPath } from "@/lib/auth/return-path";
import { startSessionWithTicket } from "@/lib/auth/session-cookie";
import { emailSenderFromEnv } from "@/lib/email";
import { notifyMember } from "@/lib/notifications";
import { appDeps, twoFactorDeps } from "@/lib/server";
import { phoneField, smsCodeField, withPhoneSuggestion } from "@/lib/two-factor/fields";
import { messageContext, twoFactorMessage } from "@/lib/two-factor/messages";
import { formatPhoneInternational } from "@/lib/two-factor/phone-number";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";

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
    const done = await completePhoneSetup(deps, {
      userId: pending.userId,
      attemptNonce: pending.nonce,
      code: data.code,
      request,
      selfEnabled: false,
      signIn: pending,
    });
    if (!done.ok && done.code === "SIGN_IN_ENDED") redirect(await endPendingSignInCookie());
    if (!done.ok) return { ok: false, fieldErrors: { code: twoFactorMessage(done, messageContext("setup", deps.clock.now(), formData)) } };
    await writePendingSignIn({ ...pending, ticket: done.ticket ?? undefined });
    after(() => notifyMember(emailSenderFromEnv(), done.email, { kind: "two_factor_set_up", phoneMasked: done.phoneMasked }));
    return { ok: true, backupCodes: done.backupCodes, phoneMasked: done.phoneMasked };
  },
);

/** After the backup codes are stored: the session starts. */
export const finishSetupAction = validatedAction(
  z.object({ stored: z.literal("on", { message: "Confirm that you have stored your backup codes." }) }),
  async (): Promise<ActionState> => {
    const pending = await requirePendingSignIn("setup");
    if (!pending.ticket) return { ok: false, error: "Verify your phone first." };
    await clearPendingSignIn();
    const { db, clock } = await appDeps();
    if (!(await startSessionWithTicket(db, pending.ticket, clock.now()))) redirect("/sign-in?expired=1");
    const returnTo = safeReturnPath(pending.returnTo);
    const next = returnTo === "/" ? "" : `?next=${encodeURIComponent(returnTo)}`;
    redirect(`/two-step-enabled${next}`);
  },
);
