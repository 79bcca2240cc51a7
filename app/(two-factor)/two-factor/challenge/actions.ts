"use server";

import { stepAction } from "@/lib/step-action";

// With JavaScript the challenge forms post to the plugin's route (/api/two-factor/challenge/verify);
// these actions serve the same forms without it, running the same steps: a finished step answers
// with a redirect (303) to where the browser goes.

export const verifySignInCodeAction = stepAction("challenge/verify", { fields: { method: "sms" } });

export const verifyAuthenticatorCodeAction = stepAction("challenge/verify", { fields: { method: "authenticator" } });

export const verifyBackupCodeAction = stepAction("challenge/verify", { fields: { method: "backup" } });

export const resendCodeAction = stepAction("challenge/resend");
