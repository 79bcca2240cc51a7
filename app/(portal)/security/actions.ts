"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { requestHost } from "@/lib/auth/cookies";
import { getViewer } from "@/lib/auth/dal";
import { requireRecentSecondFactor } from "@/lib/auth/recent-second-factor";
import { resumePath } from "@/lib/auth/resume";
import { emailSenderFromEnv } from "@/lib/email";
import { ERROR_MESSAGES } from "@/lib/errors";
import { notifyMember } from "@/lib/notifications";
import { twoFactorDeps } from "@/lib/server";
import { phoneField, smsCodeField, withPhoneSuggestion } from "@/lib/two-factor/fields";
import { messageContext, twoFactorMessage } from "@/lib/two-factor/messages";
import { formatPhoneInternational } from "@/lib/two-factor/phone-number";
import { loadSecondFactorState } from "@/lib/two-factor/policy";
import { regenerateBackupCodes, revokeOwnTrustedDevice, turnOffTwoFactor } from "@/lib/two-factor/self-service";
import { completePhoneSetup, selfSetupNonce, sendSetupCode } from "@/lib/two-factor/setup";

/** The Security page's phone form: a first setup, or a phone change (no backup code verifies a new number). */
const phoneScreen = (enrolled: boolean | undefined, now: Date, formData: FormData) =>
  messageContext(enrolled ? "change-phone" : "setup", now, formData);

/** The viewer and the core; changing an existing phone needs a recent second factor. */
async function securityContext(changing: string) {
  const viewer = await getViewer();
  if (!viewer) return null;
  const deps = await twoFactorDeps(await requestHost());
  const state = await loadSecondFactorState(deps.db, viewer.user.id, deps.clock.now());
  if (state?.enrolled) await requireRecentSecondFactor(viewer, changing);
  return { viewer, deps, state };
}

export const sendSelfSetupCodeAction = withPhoneSuggestion(
  validatedAction(
    z.object({ phone: phoneField }),
    async (data, { request, formData }): Promise<ActionState> => {
      const context = await securityContext("/security/phone");
      if (!context) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
      const { viewer, deps, state } = context;
      const attemptNonce = selfSetupNonce(viewer, Boolean(state?.enrolled));
      const sent = await sendSetupCode(deps, { userId: viewer.user.id, attemptNonce, phone: data.phone, request });
      if (!sent.ok) return { ok: false, error: "message" in sent ? sent.message : twoFactorMessage(sent, phoneScreen(state?.enrolled, deps.clock.now(), formData)) };
      // The browser that just typed the number sees it in full, to catch a typo; never logged.
      return { ok: true, phoneMasked: sent.phoneMasked, phoneFull: formatPhoneInternational(data.phone), resendAt: sent.resendAt.toISOString() };
    },
    { echo: ["phone"] },
  ),
);

export const verifySelfSetupCodeAction = validatedAction(
  z.object({ code: smsCodeField }),
  async (data, { request, formData }): Promise<ActionState> => {
    const context = await securityContext("/security/phone");
    if (!context) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
    const { viewer, deps, state } = context;
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

export const regenerateBackupCodesAction = validatedAction(z.object({}), async (_data, { request }): Promise<ActionState> => {
  const viewer = await getViewer();
  if (!viewer) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
  await requireRecentSecondFactor(viewer, resumePath("/security", { resume: "new-backup-codes" }));
  const deps = await twoFactorDeps(null);
  const done = await regenerateBackupCodes(deps, { userId: viewer.user.id, request });
  if (!done.ok) return { ok: false, error: twoFactorMessage(done, messageContext("security", deps.clock.now())) };
  revalidatePath("/security");
  return { ok: true, backupCodes: done.codes, message: "New backup codes created. The old codes no longer work." };
});

export const turnOffTwoFactorAction = validatedAction(z.object({}), async (_data, { request }): Promise<ActionState> => {
  const viewer = await getViewer();
  if (!viewer) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
  await requireRecentSecondFactor(viewer, resumePath("/security", { resume: "turn-off" }));
  const deps = await twoFactorDeps(null);
  const done = await turnOffTwoFactor(deps, { userId: viewer.user.id, request });
  if (!done.ok) return { ok: false, error: twoFactorMessage(done, messageContext("security", deps.clock.now())) };
  redirect("/security?off=1");
});

export const revokeDeviceAction = validatedAction(
  z.object({ deviceId: z.string().min(1).max(64) }),
  async (data, { request }): Promise<ActionState> => {
    const viewer = await getViewer();
    if (!viewer) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
    const revoked = await revokeOwnTrustedDevice(await twoFactorDeps(null), { userId: viewer.user.id, deviceId: data.deviceId, request });
    if (!revoked) return { ok: false, error: "That device is not one of your trusted devices." };
    redirect("/security?revoked=1");
  },
);
