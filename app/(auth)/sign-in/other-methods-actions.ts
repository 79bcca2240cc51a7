"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/action";
import { signIn } from "@/lib/auth/auth";
import { oidcSettingsFromEnv } from "@/lib/auth/oidc-settings";
import { safeReturnPath } from "@/lib/return-path";

// Its own field name: the password form on the same page has "email" (ids are field names).
const emailLinkSchema = z.object({
  linkEmail: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long.").email("Enter a valid email address."),
  callbackUrl: z.string().max(2048).optional(),
});

/**
 * "Email me a sign-in link": next-auth's email provider stores the link's token (hashed, in the
 * adapter's verification_tokens) and the portal sends it, to members only (lib/auth/providers.ts).
 * The answer is the same whether or not the address is a member's.
 */
export const emailLinkAction = validatedAction(
  emailLinkSchema,
  async (data) => {
    await signIn("email", { email: data.linkEmail, redirectTo: safeReturnPath(data.callbackUrl), redirect: false });
    redirect("/sign-in?link-sent=1");
  },
  { echo: ["linkEmail"] },
);

/** "Sign in with SSO": to the organization's OpenID provider, when one is configured. */
export async function ssoAction(formData: FormData): Promise<void> {
  if (!oidcSettingsFromEnv()) redirect("/sign-in");
  const callbackUrl = formData.get("callbackUrl");
  await signIn("oidc", { redirectTo: safeReturnPath(typeof callbackUrl === "string" ? callbackUrl : "/") });
}
