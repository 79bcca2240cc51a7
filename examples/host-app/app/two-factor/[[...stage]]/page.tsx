import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { PHONE_EXAMPLE, PHONE_FORMAT_RULE, twoFactorPageStatus } from "@connect-2fa";
import { hostPlugin } from "../../../plugin";
import { ChallengeForm, SecureSetupForm, SetupForm } from "./forms";

const STAGES = { setup: "setup", challenge: "challenge", "secure-setup": "secure_setup" } as const;

/** /two-factor/setup, /two-factor/challenge, /two-factor/secure-setup (and /two-factor, which goes to the pending sign-in's stage). */
export default async function TwoFactorPage({ params }: { params: Promise<{ stage?: string[] }> }) {
  const { stage: segments = [] } = await params;
  const segment = segments.join("/") || "challenge";
  if (!Object.hasOwn(STAGES, segment)) notFound();
  const stage = STAGES[segment as keyof typeof STAGES];
  const { twoFactor } = hostPlugin();
  const check = await twoFactor.checks.pendingSignIn(await cookies(), stage);
  if (!check.ok) redirect(check.redirectTo);
  if (segments.length === 0) redirect(twoFactor.paths.challenge);

  if (stage === "secure_setup") {
    return (
      <main>
        <h1 className="mb-4 text-2xl font-semibold">Add a secure verification method</h1>
        <p className="mb-4">Your organization accepts only an authenticator app or a passkey: add an authenticator app to finish signing in.</p>
        <SecureSetupForm />
      </main>
    );
  }
  if (stage === "setup") {
    return (
      <main>
        <h1 className="mb-4 text-2xl font-semibold">Set up two-step authentication</h1>
        <p className="mb-4">Your organization requires a second step at sign-in: add your phone number.</p>
        <SetupForm rule={PHONE_FORMAT_RULE} example={PHONE_EXAMPLE} />
      </main>
    );
  }
  const status = await twoFactorPageStatus(await twoFactor.deps(), check.pending);
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">Two-step verification</h1>
      <ChallengeForm
        phoneMasked={status.phoneMasked}
        resendAt={status.resendAt?.toISOString() ?? null}
        codeSent={status.codeSent}
        lockedUntil={status.lockedUntil?.toISOString() ?? null}
        trustedFor={`${Math.round(twoFactor.options.trustedDeviceTtlMs / 86_400_000)} days`}
      />
    </main>
  );
}
