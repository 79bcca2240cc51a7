import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/dal";
import { safeReturnPath } from "@/lib/return-path";

export const metadata: Metadata = { title: "Two-step authentication enabled" };

export default async function TwoStepEnabledPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  await requireViewer();
  const { next } = await searchParams;
  const to = safeReturnPath(next);
  // Set up on the way to an app's sign-in (issue 19): the link goes back to the app's step.
  const toApp = to.startsWith("/oauth/interaction/");
  return (
    <section aria-labelledby="enabled-title" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="enabled-title" className="mb-4 text-2xl font-semibold">
        Two-step authentication has been enabled!
      </h1>
      <p className="mb-6">
        That&apos;s it! From now on, when you sign in to your account on a new device, we&apos;ll ask you for both your
        password and two-step verification code.
      </p>
      <Link href={to} className="rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800">
        {toApp ? "Continue to the app" : "Continue to the portal"}
      </Link>
    </section>
  );
}
