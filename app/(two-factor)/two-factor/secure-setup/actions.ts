"use server";

import { stepAction } from "@/lib/step-action";

// The sign-in's secure_setup stage: each action is the plugin's step of the same name.

export const beginSecureSetupAction = stepAction("secure-setup/begin");

export const confirmSecureSetupAction = stepAction("secure-setup/confirm");

/** After new backup codes are stored: the session starts. */
export const finishSecureSetupAction = stepAction("secure-setup/finish");
