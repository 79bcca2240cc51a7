import type { Metadata } from "next";
import { SetupFlow } from "@/components/two-factor/setup-flow";
import { requireViewer } from "@/lib/auth/dal";
import { getDb } from "@/lib/db/client";
import { countUnusedBackupCodes } from "@/lib/two-factor/backup-codes";
import { maskPhone, PHONE_EXAMPLE, PHONE_FORMAT_RULE } from "@/lib/two-factor/phone-number";
import { loadSecondFactorState } from "@/lib/two-factor/policy";
import { finishSelfSetupAction, sendSelfSetupCodeAction, verifySelfSetupCodeAction } from "./actions";

export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const viewer = await requireViewer();
  const db = await getDb();
  const state = await loadSecondFactorState(db, viewer.user.id);
  const enrolled = Boolean(state?.enrolled && state.phoneE164);
  const justEnabled = enrolled && (await searchParams).enabled === "1";
  return (
    <section aria-labelledby="security-title" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="security-title" className="mb-6 text-2xl font-semibold">
        Security
      </h1>
      {justEnabled ? (
        <p role="status" className="mb-4 rounded-md border border-green-200 bg-green-50 p-4 text-green-900">
          Two-step authentication has been enabled! From now on, when you sign in on a new device, we&apos;ll ask you for
          both your password and two-step verification code.
        </p>
      ) : null}
      <h2 className="mb-2 text-lg font-semibold">Two-step authentication</h2>
      {enrolled && state?.phoneE164 ? (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
          <dt className="font-medium text-slate-600">Status</dt>
          <dd data-testid="two-factor-status">
            {state.required ? "On" : "Set up, not required"}
            {state.selfEnabled ? " (turned on by you)" : state.requiredByOrganization ? " (required by your organization)" : ""}
          </dd>
          <dt className="font-medium text-slate-600">Phone</dt>
          <dd>{maskPhone(state.phoneE164)}</dd>
          <dt className="font-medium text-slate-600">Backup codes left</dt>
          <dd>{await countUnusedBackupCodes(db, viewer.user.id)}</dd>
        </dl>
      ) : (
        <>
          <p data-testid="two-factor-status" className="mb-4">
            {state?.requiredByOrganization
              ? "Your organization requires two-step authentication; you will set it up at your next sign-in, or now."
              : "Off. Turn on two-step authentication to protect your account with a code texted to your phone."}
          </p>
          <SetupFlow
            rule={PHONE_FORMAT_RULE}
            example={PHONE_EXAMPLE}
            send={sendSelfSetupCodeAction}
            verify={verifySelfSetupCodeAction}
            finish={finishSelfSetupAction}
          />
        </>
      )}
    </section>
  );
}
