"use server";

import { stepAction } from "@/lib/step-action";

// Setup during sign-in: each action is the plugin's step of the same name.

export const sendSetupCodeAction = stepAction("setup/send");

export const verifySetupCodeAction = stepAction("setup/verify");

/** After the backup codes are stored: the session starts. */
export const finishSetupAction = stepAction("setup/finish");
