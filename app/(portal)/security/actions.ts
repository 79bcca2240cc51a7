"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { registeredApps, revokeSignedInApp } from "@/lib/app-sign-ins";
import { signedInAction } from "@/lib/guarded-action";
import { appDeps } from "@/lib/server";
import { stepAction } from "@/lib/step-action";

// The Security page's forms without JavaScript: each action is the plugin's step of the same name
// (its checks included: the session, and a recent second factor where the step needs one).

export const sendSelfSetupCodeAction = stepAction("security/send");

export const verifySelfSetupCodeAction = stepAction("security/verify");

export const finishSelfSetupAction = stepAction("security/finish-setup");

export const finishPhoneChangeAction = stepAction("security/finish-phone");

export const finishPhoneAddAction = stepAction("security/finish-phone-add");

export const regenerateBackupCodesAction = stepAction("security/backup-codes", { succeeded: () => revalidatePath("/security") });

export const turnOffTwoFactorAction = stepAction("security/turn-off");

export const revokeDeviceAction = stepAction("security/revoke-device");

export const beginAuthenticatorSetupAction = stepAction("security/authenticator-begin");

export const confirmAuthenticatorSetupAction = stepAction("security/authenticator-confirm");

export const removeAuthenticatorAppAction = stepAction("security/authenticator-remove");

export const makePreferredMethodAction = stepAction("security/preferred-method");

export const removePhoneAction = stepAction("security/phone-remove");

// "Signed-in apps": Revoke signs one of the viewer's own apps out; another member's grant id, guessed
// or copied, matches nothing (lib/app-sign-ins.ts).
const revokeAppSchema = z.object({ grantId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "That app sign-in is not valid. Reload the page and try again.") });

export const revokeAppSignInAction = signedInAction(revokeAppSchema, async (data, { viewer, request }) => {
  const clients = registeredApps();
  if (!clients) return { ok: false, error: "Apps cannot sign in to Connect here." };
  const { db, clock } = await appDeps();
  const revoked = await revokeSignedInApp(db, { userId: viewer.user.id, grantId: data.grantId, clients, request, now: clock.now() });
  if (!revoked) return { ok: false, error: "That app is not signed in to your account (it may already be signed out)." };
  revalidatePath("/security");
  redirect("/security?app-revoked=1");
});
