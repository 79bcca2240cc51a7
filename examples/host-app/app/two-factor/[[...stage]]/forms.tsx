"use client";

import { CancelSignIn, Challenge, SecureSetupFlow, SetupFlow, twoFactorRouteAction, type ChallengeProps } from "@connect-2fa/react";

// The plugin's components, their forms posted to its route handler (app/api/[...path]/route.ts).
const MOUNT = "/api/two-factor";
const step = (name: Parameters<typeof twoFactorRouteAction>[1], fields?: Record<string, string>) =>
  twoFactorRouteAction(MOUNT, name, { fields, redirectedTo: "/api/auth/signin" });
const cancel = step("sign-in/cancel");

export function SetupForm(props: { rule: string; example: string }) {
  return (
    <>
      <SetupFlow {...props} send={step("setup/send")} verify={step("setup/verify")} finish={step("setup/finish")} appName="Host app" focusPhone />
      <CancelSignIn cancel={cancel} />
    </>
  );
}

/** A member of a secure-methods-only organization adds an authenticator app before the session. */
export function SecureSetupForm() {
  return (
    <>
      <SecureSetupFlow begin={step("secure-setup/begin")} confirm={step("secure-setup/confirm")} finish={step("secure-setup/finish")} appName="Host app" />
      <CancelSignIn cancel={cancel} />
    </>
  );
}

type StatusProps = Pick<ChallengeProps, "phoneMasked" | "resendAt" | "codeSent" | "lockedUntil" | "trustedFor">;

export function ChallengeForm(props: StatusProps) {
  return (
    <>
      <Challenge
        {...props}
        notice={null}
        verifySms={step("challenge/verify", { method: "sms" })}
        verifyBackup={step("challenge/verify", { method: "backup" })}
        resend={step("challenge/resend")}
      />
      <CancelSignIn cancel={cancel} />
    </>
  );
}
