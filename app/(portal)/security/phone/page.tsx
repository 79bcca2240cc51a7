import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/dal";
import { requireRecentSecondFactor } from "@/lib/auth/recent-second-factor";
import { viewerHasPhone } from "@/lib/queries/security";
import { PHONE_EXAMPLE, PHONE_FORMAT_RULE } from "@/lib/two-factor";
import { SetupFlow } from "@/lib/two-factor/react";
import { finishPhoneAddAction, finishPhoneChangeAction, sendSelfSetupCodeAction, verifySelfSetupCodeAction } from "../actions";

export const metadata: Metadata = { title: "Phone number" };

export default async function ChangePhonePage() {
  const viewer = await requireViewer();
  // This page is the change's first step: back from "Confirm it's you", the Phone number field has the focus.
  await requireRecentSecondFactor(viewer, "/security/phone");
  const hasPhone = await viewerHasPhone(viewer);
  const title = hasPhone ? "Change phone number" : "Add SMS";
  return (
    <section aria-labelledby="phone-title" className="mx-auto max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <p className="mb-2 text-sm"><Link href="/security" className="underline">Security</Link></p>
      <h1 id="phone-title" className="mb-2 text-2xl font-semibold">{title}</h1>
      <p className="mb-4 text-slate-700">
        Enter your {hasPhone ? "new " : ""}phone number. We will text it a code to verify it. Your trusted devices will be asked for a code again, and you
        will get a new set of backup codes.
      </p>
      <SetupFlow rule={PHONE_FORMAT_RULE} example={PHONE_EXAMPLE} send={sendSelfSetupCodeAction} verify={verifySelfSetupCodeAction} finish={hasPhone ? finishPhoneChangeAction : finishPhoneAddAction} appName="Connect" focusPhone />
    </section>
  );
}
