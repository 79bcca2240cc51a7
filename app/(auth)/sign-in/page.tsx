import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { readSignInEmail } from "@/lib/auth/cookies";
import { getViewer } from "@/lib/auth/dal";
import { Card, FormMessage } from "@/components/ui";
import { safeReturnPath } from "@/lib/return-path";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  expired: "Your sign-in took too long and has expired. Sign in again.",
  reset: "Your password has been changed. Sign in with your new password.",
  ended: "That sign-in has ended because the account's security settings changed since it began (a new password, a reset of two-step authentication, or a new phone number). Sign in again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(typeof params.callbackUrl === "string" ? params.callbackUrl : "/");
  if (await getViewer()) redirect(callbackUrl);
  const notice = params.reset ? NOTICES.reset : undefined;
  // An ended or expired sign-in is a warning, not a success; the email typed before is kept.
  const warning = notice ? undefined : params.ended ? NOTICES.ended : params.expired ? NOTICES.expired : undefined;
  const email = warning ? await readSignInEmail() : undefined;
  return (
    <Card title="Sign in">
      <FormMessage message={notice} />
      <FormMessage warning={warning} />
      <SignInForm callbackUrl={callbackUrl} email={email} />
      <p className="mt-6 text-sm">
        <Link href="/password-reset" className="underline">
          Forgot your password? Submit a change of password request
        </Link>
      </p>
    </Card>
  );
}
