"use server";

import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { deferWith, RESET_LINK_TTL_MS, requestPasswordReset, resetPasswordWithToken } from "@/lib/auth/password-reset";
import { formatDuration } from "@/lib/duration";
import { appUrlConfigurationWarning, appUrlFromEnv, PASSWORD_RESET_UNAVAILABLE } from "@/lib/config/app-url";
import { emailSenderFromEnv } from "@/lib/email";
import { appDeps } from "@/lib/server";

const RESET_REQUESTED_MESSAGE = `If an account exists for that email, we have sent it a link to change the password. The link works once, for ${formatDuration(RESET_LINK_TTL_MS)}. If nothing arrives within 10 minutes, check your spam folder or ask again.`;

export const requestResetAction = validatedAction(
  z.object({ email: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long.").email("Enter a valid email address.") }),
  async (data, { request }): Promise<ActionState> => {
    const appUrl = appUrlFromEnv();
    if (!appUrl) {
      console.warn(appUrlConfigurationWarning());
      return { ok: false, error: PASSWORD_RESET_UNAVAILABLE };
    }
    const { db, clock } = await appDeps();
    await requestPasswordReset({ db, clock, email: emailSenderFromEnv(), appUrl, defer: deferWith(after) }, { email: data.email, request });
    return { ok: true, message: RESET_REQUESTED_MESSAGE };
  },
  { echo: ["email"] },
);

const newPasswordSchema = z
  .object({
    token: z.string().min(16).max(128),
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
      .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`),
    confirm: z.string(),
  })
  .refine((data) => data.password === data.confirm, { path: ["confirm"], message: "The two passwords are not the same." });

export const resetPasswordAction = validatedAction(newPasswordSchema, async (data, { request }): Promise<ActionState> => {
  const deps = await appDeps();
  const result = await resetPasswordWithToken(deps, { token: data.token, newPassword: data.password, request });
  if (!result.ok) {
    return { ok: false, error: "This link has expired or was already used. Submit a new change of password request." };
  }
  redirect("/sign-in?reset=1");
});
