import type { Metadata } from "next";
import { Card } from "@/components/ui";
import { safeReturnPath } from "@/lib/auth/return-path";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(typeof params.callbackUrl === "string" ? params.callbackUrl : "/");
  return (
    <Card title="Sign in">
      <SignInForm callbackUrl={callbackUrl} />
    </Card>
  );
}
