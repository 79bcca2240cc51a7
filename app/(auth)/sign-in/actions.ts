"use server";

import { z } from "zod";
import { validatedAction } from "@/lib/action";
import { signIn } from "@/lib/auth/auth";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { safeReturnPath } from "@/lib/auth/return-path";
import { issueSignInTicket } from "@/lib/auth/sign-in-ticket";
import { ERROR_MESSAGES, formatWait } from "@/lib/errors";
import { appDeps } from "@/lib/server";

const signInSchema = z.object({
  email: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long.").email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(256, "That password is too long."),
  callbackUrl: z.string().max(2048).optional(),
});

export const signInAction = validatedAction(
  signInSchema,
  async (data, { request }) => {
    const deps = await appDeps();
    const checked = await checkPassword(deps, { email: data.email, password: data.password, request });
    if (!checked.ok) {
      const error =
        checked.code === "RATE_LIMITED"
          ? `Too many sign-in attempts. Try again in ${formatWait(checked.retryAfterMs ?? 60_000)}.`
          : ERROR_MESSAGES.INVALID_CREDENTIALS;
      return { ok: false, error };
    }
    const ticket = await issueSignInTicket(deps.db, checked.userId, ["pwd"], deps.clock.now());
    await signIn("ticket", { ticket, redirectTo: safeReturnPath(data.callbackUrl) });
    return { ok: true };
  },
  { echo: ["email"] },
);
