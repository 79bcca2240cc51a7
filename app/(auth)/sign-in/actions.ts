"use server";

import { CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/action";
import { signIn } from "@/lib/auth/auth";
import { continueSignInHere } from "@/lib/auth/continue-sign-in";
import { formatWait } from "@/lib/duration";
import { ERROR_MESSAGES } from "@/lib/errors";
import { safeReturnPath } from "@/lib/return-path";

const signInSchema = z.object({
  email: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long.").email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(256, "That password is too long."),
  callbackUrl: z.string().max(2048).optional(),
});

/** The form's sentence for a refused password (next-auth's CredentialsSignin and its code), or null. */
function refusalOf(error: unknown): string | null {
  if (!(error instanceof CredentialsSignin)) return null;
  const limited = /^rate_limited:(\d+)$/.exec(error.code);
  return limited ? `Too many sign-in attempts. Try again in ${formatWait(Number(limited[1]) || 60_000)}.` : ERROR_MESSAGES.INVALID_CREDENTIALS;
}

/** next-auth wraps what its provider threw (a database failure): the form's wrapper judges the cause. */
function causeOf(error: unknown): unknown {
  const cause = (error as { cause?: { err?: unknown } } | null)?.cause;
  return cause && typeof cause === "object" && "err" in cause ? cause.err : error;
}

/**
 * The password, as next-auth's Credentials provider (lib/auth/providers.ts): next-auth checks it
 * and the plugin holds the sign-in (withTwoFactor), answering with its continue step, run here:
 * the session, or the second factor's pages.
 */
export const signInAction = validatedAction(
  signInSchema,
  async (data) => {
    const returnTo = safeReturnPath(data.callbackUrl);
    let next: string;
    try {
      next = await signIn("credentials", { email: data.email, password: data.password, redirectTo: returnTo, redirect: false });
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) return { ok: false, error: refusal };
      throw causeOf(error);
    }
    redirect(await continueSignInHere(next, returnTo));
  },
  { echo: ["email"] },
);
