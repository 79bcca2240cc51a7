"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/action";
import { readDeviceToken, requestHost, writePendingSignIn, writeSignInEmail } from "@/lib/auth/cookies";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { safeReturnPath } from "@/lib/return-path";
import { startSession } from "@/lib/auth/session-cookie";
import { formatWait } from "@/lib/duration";
import { ERROR_MESSAGES } from "@/lib/errors";
import { twoFactorDeps } from "@/lib/server";
import { continueAfterPassword } from "@/lib/two-factor";

const signInSchema = z.object({
  email: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long.").email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password.").max(256, "That password is too long."),
  callbackUrl: z.string().max(2048).optional(),
});

/** The challenge page, told why no code was texted and, for a limit, when it lifts. */
function challengeWithNotice(sent: { code: string; retryAfterMs?: number }, now: Date): string {
  const query = new URLSearchParams({ notice: sent.code });
  if (sent.retryAfterMs !== undefined) query.set("liftsAt", new Date(now.getTime() + sent.retryAfterMs).toISOString());
  return `/two-factor/challenge?${query}`;
}

export const signInAction = validatedAction(
  signInSchema,
  async (data, { request }) => {
    const deps = await twoFactorDeps(await requestHost());
    const checked = await checkPassword(deps, { email: data.email, password: data.password, request });
    if (!checked.ok) {
      const error =
        checked.code === "RATE_LIMITED"
          ? `Too many sign-in attempts. Try again in ${formatWait(checked.retryAfterMs ?? 60_000)}.`
          : ERROR_MESSAGES.INVALID_CREDENTIALS;
      return { ok: false, error };
    }
    const returnTo = safeReturnPath(data.callbackUrl);
    const next = await continueAfterPassword(deps, {
      userId: checked.userId,
      returnTo,
      deviceToken: await readDeviceToken(),
      request,
    });
    if (next.next === "session") {
      await startSession(next.session, deps.clock.now());
      redirect(returnTo);
    }
    await writePendingSignIn(next.pending);
    await writeSignInEmail(data.email);
    if (next.pending.stage === "setup") redirect("/two-factor/setup");
    redirect(next.sent && !next.sent.ok ? challengeWithNotice(next.sent, deps.clock.now()) : "/two-factor/challenge");
  },
  { echo: ["email"] },
);
