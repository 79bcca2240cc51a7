"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { requestHost } from "@/lib/auth/cookies";
import type { SessionViewer } from "@/lib/auth/live-session";
import { requireRecentSecondFactor } from "@/lib/auth/recent-second-factor";
import { resumePath } from "@/lib/auth/resume";
import { emailSenderFromEnv } from "@/lib/email";
import { signedInAction, withRecentSecondFactor } from "@/lib/guarded-action";
import { notifyMember } from "@/lib/notifications";
import { twoFactorDeps } from "@/lib/server";
import { phoneField, smsCodeField, withPhoneSuggestion, messageContext, twoFactorMessage, formatPhoneInternational, loadSecondFactorState, regenerateBackupCodes, revokeOwnTrustedDevice, turnOffTwoFactor, completePhoneSetup, selfSetupNonce, sendSetupCode } from "@/lib/two-factor";

/** The Security page's phone form: a first setup, or a phone change (no backup code verifies a new number). */
const phoneScreen = (enrolled: boolean | undefined, now: Date, formData: FormData) =>
  messageContext(enrolled ? "change-phone" : "setup", now, formData);

/** The core and the viewer's second factor; changing an existing phone (not a first setup) needs a recent second factor. */
async function securityContext(viewer: SessionViewer, changing: string) {
  const deps = await twoFactorDeps(await requestHost());
  const state = await loadSecondFactorState(deps, viewer.user.id, deps.clock.now());
  if (state?.enrolled) await requireRecentSecondFactor(viewer, changing);
  return { deps, state };
}

export const sendSelfSetupCodeAction = withPhoneSuggestion(
  signedInAction(
    z.object({ phone: phoneField }),
    async (data, { request, formData, viewer }): Promise<ActionState> => {
      const { deps, state } = await securityContext(viewer, "/security/phone");
      const attemptNonce = selfSetupNonce(viewer, Boolean(state?.enrolled));
      const sent = await sendSetupCode(deps, { userId: viewer.user.id, attemptNonce, phone: data.phone, request });
      if (!sent.ok) return { ok: false, error: "message" in sent ? sent.message : twoFactorMessage(sent, phoneScreen(state?.enrolled, deps.clock.now(), formData)) };
      // The browser that just typed the number sees it in full, to catch a typo; never logged.
      return { ok: true, phoneMasked: sent.phoneMasked, phoneFull: formatPhoneInternational(data.phone), resendAt: sent.resendAt.toISOString() };
    },
    { echo: ["phone"] },
  ),
);

export const verifySelfSetupCodeAction = signedInAction(
  z.object({ code: smsCodeField }),
  async (data, { request, formData, viewer }): Promise<ActionState> => {
    const { deps, state } = await securityContext(viewer, "/security/phone");
    const done = await completePhoneSetup(deps, {
      userId: viewer.user.id,
      attemptNonce: selfSetupNonce(viewer, Boolean(state?.enrolled)),
      code: data.code,
      request,
      // Set up because the organization requires it (e.g. during its grace period) is not "turned on by the member".
      selfEnabled: Boolean(state?.selfEnabled || !state?.requiredByOrganization),
      signIn: null,
    });
    if (!done.ok) return { ok: false, fieldErrors: { code: twoFactorMessage(done, phoneScreen(state?.enrolled, deps.clock.now(), formData)) } };
    const notice = done.phoneChanged
      ? ({ kind: "phone_changed", phoneMasked: done.phoneMasked } as const)
      : ({ kind: "two_factor_set_up", phoneMasked: done.phoneMasked } as const);
    after(() => notifyMember(emailSenderFromEnv(), done.email, notice));
    return { ok: true, backupCodes: done.backupCodes, phoneMasked: done.phoneMasked };
  },
);

export const finishSelfSetupAction = validatedAction(
  z.object({ stored: z.literal("on", { message: "Confirm that you have stored your backup codes." }) }),
  async (): Promise<ActionState> => {
    redirect("/security?enabled=1");
  },
);

export const finishPhoneChangeAction = validatedAction(
  z.object({ stored: z.literal("on", { message: "Confirm that you have stored your backup codes." }) }),
  async (): Promise<ActionState> => {
    redirect("/security?phone=1");
  },
);

export const regenerateBackupCodesAction = signedInAction(
  z.object({}),
  withRecentSecondFactor(
    () => resumePath("/security", { resume: "new-backup-codes" }),
    async (_data, { request, viewer }): Promise<ActionState> => {
      const deps = await twoFactorDeps(null);
      const done = await regenerateBackupCodes(deps, { userId: viewer.user.id, request });
      if (!done.ok) return { ok: false, error: twoFactorMessage(done, messageContext("security", deps.clock.now())) };
      revalidatePath("/security");
      return { ok: true, backupCodes: done.codes, message: "New backup codes created. The old codes no longer work." };
    },
  ),
);

export const turnOffTwoFactorAction = signedInAction(
  z.object({}),
  withRecentSecondFactor(
    () => resumePath("/security", { resume: "turn-off" }),
    async (_data, { request, viewer }): Promise<ActionState> => {
      const deps = await twoFactorDeps(null);
      const done = await turnOffTwoFactor(deps, { userId: viewer.user.id, request });
      if (!done.ok) return { ok: false, error: twoFactorMessage(done, messageContext("security", deps.clock.now())) };
      redirect("/security?off=1");
    },
  ),
);

export const revokeDeviceAction = signedInAction(
  z.object({ deviceId: z.string().min(1).max(64) }),
  async (data, { request, viewer }): Promise<ActionState> => {
    const revoked = await revokeOwnTrustedDevice(await twoFactorDeps(null), { userId: viewer.user.id, deviceId: data.deviceId, request });
    if (!revoked) return { ok: false, error: "That device is not one of your trusted devices." };
    redirect("/security?revoked=1");
  },
);
