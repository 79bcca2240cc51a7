import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui";
import { RequestResetForm } from "./request-reset-form";

export const metadata: Metadata = { title: "Change of password request" };

export default function PasswordResetPage() {
  return (
    <Card title="Change of password request">
      <p className="mb-4 text-slate-700">
        Enter the email of your account. We will send you a link to choose a new password. Two-step authentication stays
        on.
      </p>
      <RequestResetForm />
      <p className="mt-6 text-sm">
        <Link href="/sign-in" className="underline">
          Back to sign in
        </Link>
      </p>
    </Card>
  );
}
