"use server";

import { stepAction } from "@/lib/step-action";

// "Confirm it's you": the plugin's steps; a right confirmation sets its cookie and goes back to `next`.

export const sendConfirmCodeAction = stepAction("confirm/send");

export const confirmAction = stepAction("confirm/verify");

export const passkeyConfirmOptionsAction = stepAction("confirm/passkey-options");
