import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/dal";
import { safeReturnPath } from "@/lib/auth/return-path";
import { ConfirmForm } from "./confirm-form";

export const metadata: Metadata = { title: "Confirm it's you" };

export default async function ConfirmPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  await requireViewer();
  const { next } = await searchParams;
  return (
    <section aria-labelledby="confirm-title" className="mx-auto max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="confirm-title" className="mb-2 text-2xl font-semibold">
        Confirm it&apos;s you
      </h1>
      <p className="mb-6 text-slate-700">
        This change needs your password and your second factor again. After you confirm, you won&apos;t be asked again for
        10 minutes.
      </p>
      <ConfirmForm next={safeReturnPath(next)} />
    </section>
  );
}
