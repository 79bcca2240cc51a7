import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/dal";
import { requestHost } from "@/lib/auth/cookies";
import { safeReturnPath } from "@/lib/return-path";
import { formatDuration } from "@/lib/duration";
import { twoFactorDeps } from "@/lib/server";
import { confirmationStatus } from "@/lib/two-factor";
import { ConfirmSecondFactor } from "@/lib/two-factor/react";
import { confirmAction, passkeyConfirmOptionsAction, sendConfirmCodeAction } from "./actions";

export const metadata: Metadata = { title: "Confirm it's you" };

export default async function ConfirmPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const viewer = await requireViewer();
  const { next } = await searchParams;
  const deps = await twoFactorDeps(await requestHost());
  const status = viewer.user.twoFactorEnrolled ? await confirmationStatus(deps, viewer.user.id) : null;
  return (
    <section aria-labelledby="confirm-title" className="mx-auto max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="confirm-title" className="mb-2 text-2xl font-semibold">
        Confirm it&apos;s you
      </h1>
      {viewer.user.twoFactorEnrolled ? (
        <>
          <p className="mb-6 text-slate-700">
            This change needs your password and your second factor again. After you confirm, you won&apos;t be asked again
            for {formatDuration(deps.options.confirmationTtlMs)}.
          </p>
          <ConfirmSecondFactor
            next={safeReturnPath(next)}
            lockedUntil={status?.lockedUntil?.toISOString() ?? null}
            methods={status?.methods}
            passkeyOptions={passkeyConfirmOptionsAction}
            send={sendConfirmCodeAction}
            confirm={confirmAction}
          />
        </>
      ) : (
        // Said at once: with no second factor there is no code to send, so no "Send code" to try first.
        <p role="status" className="text-slate-700">
          You have not set up two-step authentication yet, so there is no second factor to confirm with. This change
          needs one.{" "}
          <Link href="/security" className="font-medium underline">
            Set up two-step authentication
          </Link>{" "}
          on your Security page first.
        </p>
      )}
    </section>
  );
}
