import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/dal";
import { readResume } from "@/lib/auth/resume";
import { browserName } from "@/lib/notifications";
import { loadSecurityPage, loadSignedInApps } from "@/lib/queries/security";
import { maskPhone, PHONE_EXAMPLE, PHONE_FORMAT_RULE } from "@/lib/two-factor";
import {
  AuthenticatorApp,
  PreferredMethod,
  SecurityActions,
  SetupFlow,
  SmsMethod,
  TrustedDevices,
  type AuthenticatorIntent,
  type PasskeyIntent,
  type SecurityIntent,
  type SecurityMethod,
  type SmsIntent,
} from "@/lib/two-factor/react";
import {
  beginAuthenticatorSetupAction,
  confirmAuthenticatorSetupAction,
  removeAuthenticatorAppAction,
  finishSelfSetupAction,
  makePreferredMethodAction,
  removePhoneAction,
  regenerateBackupCodesAction,
  revokeDeviceAction,
  sendSelfSetupCodeAction,
  turnOffTwoFactorAction,
  verifySelfSetupCodeAction,
} from "./actions";
import { PasskeysSection } from "./passkeys-section";
import { SignedInApps } from "./signed-in-apps";

export const metadata: Metadata = { title: "Security" };

const NOTICES: Record<string, string> = {
  enabled: "Two-step authentication has been enabled! From now on, when you sign in on a new device, we'll ask you for both your password and two-step verification code.",
  off: "Two-step authentication is off for your account.",
  phone: "Your phone number for two-step authentication was changed. Store your new backup codes; the old ones no longer work.",
  revoked: "The device was revoked: it will be asked for a code at its next sign-in.",
  "app-added": "Your authenticator app was added. When you sign in, choose “Use your authenticator app” to enter its code.",
  "app-removed": "Your authenticator app was removed: its codes no longer work.",
  "phone-removed": "SMS was removed: codes are no longer texted to your phone.",
  "passkey-added": "Your passkey was added. When you sign in, choose “Use a passkey or security key”.",
  "passkey-removed": "The passkey was removed: it no longer signs you in.",
  "app-revoked": "The app was signed out: it can no longer reach your account until you sign in to it again.",
  "phone-added": "SMS was added: you can now also sign in with a code texted to your phone. Store your new backup codes; the old ones no longer work.",
};

const PREFERRED_NOTICES: Record<SecurityMethod, string> = {
  sms: "SMS is now your preferred method: sign-in will start by texting you a code.",
  authenticator: "Your authenticator app is now your preferred method: sign-in will start by asking for its code.",
  passkey: "Passkeys are now your preferred method: sign-in will start by asking for one.",
};
const isSecurityMethod = (value: unknown): value is SecurityMethod => typeof value === "string" && Object.hasOwn(PREFERRED_NOTICES, value);

const INTENTS: readonly (SecurityIntent | AuthenticatorIntent | SmsIntent | PasskeyIntent)[] = [
  "new-backup-codes",
  "turn-off",
  "authenticator-setup",
  "authenticator-remove",
  "phone-remove",
  "passkey-add",
  "passkey-remove",
];
const isAppIntent = (intent: string | null): intent is AuthenticatorIntent => intent === "authenticator-setup" || intent === "authenticator-remove";
const isPasskeyIntent = (intent: string | null): intent is PasskeyIntent => intent === "passkey-add" || intent === "passkey-remove";
const isPageIntent = (intent: string | null): intent is SecurityIntent => intent === "new-backup-codes" || intent === "turn-off";

export default async function SecurityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const viewer = await requireViewer();
  const params = await searchParams;
  const notice = isSecurityMethod(params.preferred) ? PREFERRED_NOTICES[params.preferred] : NOTICES[Object.keys(NOTICES).find((key) => params[key] === "1") ?? ""];
  // Back from "Confirm it's you": the action asked for is shown ready to confirm (never done on a GET).
  const intent = readResume(params, INTENTS);
  const [{ state, enrolled }, apps] = await Promise.all([loadSecurityPage(viewer, { resuming: intent !== null }), loadSignedInApps(viewer)]);
  const resume = enrolled?.recentSecondFactor ? intent : null;
  const app = enrolled?.authenticatorApp ?? null;
  const devices = enrolled?.devices ?? [];
  return (
    <section aria-labelledby="security-title" className="rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 id="security-title" className="mb-6 text-2xl font-semibold">Security</h1>
      {notice ? (
        <p role="status" className="mb-4 rounded-md border border-green-200 bg-green-50 p-4 text-green-900">{notice}</p>
      ) : null}
      <h2 className="mb-2 text-lg font-semibold">Two-step authentication</h2>
      {state && enrolled ? (
        <>
          <dl className="mb-6 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
            <dt className="font-medium text-slate-600">Status</dt>
            <dd data-testid="two-factor-status">
              {state.required ? "On" : "Set up, not required"}
              {state.selfEnabled ? " (turned on by you)" : state.requiredByOrganization ? " (required by your organization)" : ""}
            </dd>
            <dt className="font-medium text-slate-600">Backup codes left</dt>
            <dd data-testid="backup-codes-left">{enrolled.backupCodesLeft}</dd>
          </dl>
          <SecurityActions
            canTurnOff={!state.requiredByOrganization}
            resume={isPageIntent(resume) ? resume : null}
            regenerateBackupCodes={regenerateBackupCodesAction}
            turnOff={turnOffTwoFactorAction}
            cancelHref="/security"
            appName="Connect"
          />
          <h2 id="methods-title" className="mt-8 mb-2 text-lg font-semibold">Verification methods</h2>
          <p className="mb-4 text-slate-700">
            Sign-in starts with your preferred method; you can choose another there. Backup codes work with every method.
          </p>
          <ul aria-labelledby="methods-title" className="flex flex-col gap-6">
            <li aria-labelledby="method-sms" className="rounded-lg border border-slate-200 p-4">
              <div className="mb-2 flex flex-wrap items-center gap-3">
                <h3 id="method-sms" className="font-semibold">Text message (SMS)</h3>
                {enrolled.phoneE164 ? <PreferredMethod method="sms" preferred={enrolled.preferred === "sms"} action={makePreferredMethodAction} /> : null}
              </div>
              <SmsMethod
                phoneMasked={enrolled.phoneE164 ? maskPhone(enrolled.phoneE164) : null}
                phoneHref="/security/phone"
                resume={resume === "phone-remove" ? resume : null}
                remove={removePhoneAction}
              />
            </li>
            <li aria-labelledby="method-authenticator" className="rounded-lg border border-slate-200 p-4">
              <div className="mb-2 flex flex-wrap items-center gap-3">
                <h3 id="method-authenticator" className="font-semibold">Authenticator app</h3>
                {app ? <PreferredMethod method="authenticator" preferred={enrolled.preferred === "authenticator"} action={makePreferredMethodAction} /> : null}
              </div>
              <AuthenticatorApp
                app={app ? { addedAt: app.addedAt.toISOString(), lastUsedAt: app.lastUsedAt?.toISOString() ?? null } : null}
                resume={isAppIntent(resume) ? resume : null}
                begin={beginAuthenticatorSetupAction}
                confirm={confirmAuthenticatorSetupAction}
                remove={removeAuthenticatorAppAction}
              />
            </li>
            <li aria-labelledby="passkeys-title" data-testid="passkeys-section" className="rounded-lg border border-slate-200 p-4">
              <div className="mb-2 flex flex-wrap items-center gap-3">
                <h3 id="passkeys-title" className="font-semibold">Passkeys and security keys</h3>
                {enrolled.passkeys.length > 0 ? <PreferredMethod method="passkey" preferred={enrolled.preferred === "passkey"} action={makePreferredMethodAction} /> : null}
              </div>
              <PasskeysSection
                passkeys={enrolled.passkeys.map((p) => ({ id: p.id, name: p.name, addedAt: p.addedAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null }))}
                resume={isPasskeyIntent(resume) ? resume : null}
              />
            </li>
          </ul>
          <h2 className="mt-8 mb-2 text-lg font-semibold">Trusted devices</h2>
          <TrustedDevices
            devices={devices.map((d) => ({
              id: d.id,
              name: browserName(d.userAgent),
              current: d.current,
              lastUsedAt: d.lastUsedAt.toISOString(),
              expiresAt: d.expiresAt.toISOString(),
            }))}
            revoke={revokeDeviceAction}
          />
        </>
      ) : (
        <>
          <p data-testid="two-factor-status" className="mb-4">
            {state?.requiredByOrganization
              ? "Your organization requires two-step authentication. Start the setup by adding your phone number."
              : "Off. Turn on two-step authentication to protect your account with a code texted to your phone."}
          </p>
          <SetupFlow rule={PHONE_FORMAT_RULE} example={PHONE_EXAMPLE} send={sendSelfSetupCodeAction} verify={verifySelfSetupCodeAction} finish={finishSelfSetupAction} appName="Connect" />
        </>
      )}
      {apps ? (
        <section aria-labelledby="signed-in-apps-title" data-testid="signed-in-apps">
          <h2 id="signed-in-apps-title" className="mt-8 mb-2 text-lg font-semibold">Signed-in apps</h2>
          <SignedInApps apps={apps} />
        </section>
      ) : null}
    </section>
  );
}
