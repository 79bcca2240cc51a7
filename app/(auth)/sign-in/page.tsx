import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { readSignInEmail } from "@/lib/auth/cookies";
import { getViewer } from "@/lib/auth/dal";
import { Card, FormMessage } from "@/components/ui";
import { safeReturnPath } from "@/lib/return-path";
import { oidcSettingsFromEnv } from "@/lib/auth/oidc-settings";
import { OtherSignInMethods } from "./other-methods";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  expired: "Your sign-in took too long and has expired. Sign in again.",
  reset: "Your password has been changed. Sign in with your new password.",
  linkSent: "If an account uses that address, we have emailed it a sign-in link. It works once, within 24 hours. You may still be asked for your two-step verification code.",
  ended: "That sign-in has ended because the account's security settings changed since it began (a new password, a reset of two-step authentication, or a new phone number). Sign in again.",
};

/** next-auth's errors and the plugin's account-link refusals (?error=…), in words safe to show. */
const ERRORS: Record<string, string> = {
  EmailNotVerified: "Your SSO account's email address is not verified, so it cannot be used to sign in to Connect. Verify it with your identity provider, or sign in with your password.",
  NoEmail: "Your SSO account has no email address Connect can use. Sign in with your password or a sign-in link.",
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
  AccessDenied: "That sign-in was refused.",
};
const SIGN_IN_FAILED = "Sign-in did not complete. Try again, or sign in with your password.";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(typeof params.callbackUrl === "string" ? params.callbackUrl : "/");
  if (await getViewer()) redirect(callbackUrl);
  const notice = params.reset ? NOTICES.reset : params["link-sent"] || params.type === "email" ? NOTICES.linkSent : undefined;
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? SIGN_IN_FAILED) : undefined;
  // An ended or expired sign-in is a warning, not a success; the email typed before is kept.
  const warning = notice ? undefined : params.ended ? NOTICES.ended : params.expired ? NOTICES.expired : undefined;
  const email = warning ? await readSignInEmail() : undefined;
  return (
    <Card title="Sign in">
      <FormMessage message={notice} />
      <FormMessage warning={warning} />
      <FormMessage error={error} />
      <SignInForm callbackUrl={callbackUrl} email={email} />
      <OtherSignInMethods callbackUrl={callbackUrl} sso={oidcSettingsFromEnv() !== null} />
      <p className="mt-6 text-sm">
        <Link href="/password-reset" className="underline">
          Forgot your password? Submit a change of password request
        </Link>
      </p>
    </Card>
  );
}
