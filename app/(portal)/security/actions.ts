"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { requestHost } from "@/lib/auth/cookies";
import { getViewer } from "@/lib/auth/dal";
import { ERROR_MESSAGES } from "@/lib/errors";
import { twoFactorDeps } from "@/lib/server";
import { phoneField, smsCodeField } from "@/lib/two-factor/fields";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";

// Codes sent from the Security page are bound to this session (its user and issue time).
const selfSetupNonce = (viewer: { user: { id: string }; authTime: number }) => `self-setup:${viewer.user.id}:${viewer.authTime}`;

export const sendSelfSetupCodeAction = validatedAction(
  z.object({ phone: phoneField }),
  async (data, { request }): Promise<ActionState> => {
    const viewer = await getViewer();
    if (!viewer) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
    const deps = await twoFactorDeps(await requestHost());
    const sent = await sendSetupCode(deps, { userId: viewer.user.id, attemptNonce: selfSetupNonce(viewer), phone: data.phone, request });
    if (!sent.ok) return { ok: false, error: "message" in sent ? sent.message : twoFactorMessage(sent) };
    return { ok: true, phoneMasked: sent.phoneMasked, resendAt: sent.resendAt.toISOString() };
  },
  { echo: ["phone"] },
);

export const verifySelfSetupCodeAction = validatedAction(
  z.object({ code: smsCodeField }),
  async (data, { request }): Promise<ActionState> => {
    const viewer = await getViewer();
    if (!viewer) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
    const deps = await twoFactorDeps(await requestHost());
    const done = await completePhoneSetup(deps, {
      userId: viewer.user.id,
      attemptNonce: selfSetupNonce(viewer),
      code: data.code,
      request,
      selfEnabled: true,
      duringSignIn: false,
    });
    if (!done.ok) return { ok: false, fieldErrors: { code: twoFactorMessage(done) } };
    return { ok: true, backupCodes: done.backupCodes, phoneMasked: done.phoneMasked };
  },
);

export const finishSelfSetupAction = validatedAction(
  z.object({ stored: z.literal("on", { message: "Confirm that you have stored your backup codes." }) }),
  async (): Promise<ActionState> => {
    redirect("/security?enabled=1");
  },
);
