"use server";

import { revalidatePath } from "next/cache";
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
