"use client";

import { useRouter } from "next/navigation";
import { ERROR_MESSAGES } from "@/lib/errors";
import { Challenge, twoFactorRouteAction, type ChallengeProps } from "@/lib/two-factor/react";
import { resendCodeAction, verifyAuthenticatorCodeAction, verifyBackupCodeAction, verifySignInCodeAction } from "./actions";

export type { ChallengeNotice } from "@/lib/two-factor/react";

/** The route that answers "Verify" as JSON when JavaScript runs (./verify/route.ts). */
export const VERIFY_URL = "/api/two-factor/challenge/verify";
const TRANSPORT = { network: ERROR_MESSAGES.NETWORK, unavailable: ERROR_MESSAGES.SERVICE_UNAVAILABLE };
const EXPIRED_PATH = "/sign-in?expired=1";
// A passkey needs JavaScript (WebAuthn): its steps post to the plugin's route.
const passkeyStep = { messages: TRANSPORT, redirectedTo: EXPIRED_PATH };
const passkeyOptions = twoFactorRouteAction("/api/two-factor", "challenge/passkey-options", passkeyStep);
const verifyPasskey = twoFactorRouteAction("/api/two-factor", "challenge/verify", { ...passkeyStep, fields: { method: "passkey" } });

type PageProps = Pick<ChallengeProps, "phoneMasked" | "resendAt" | "codeSent" | "notice" | "lockedUntil" | "trustedFor" | "methods">;

/**
 * The plugin's challenge with the portal's steps: without JavaScript its forms run these server
 * actions; with it "Verify" posts to VERIFY_URL, and the finished step navigates with the router.
 */
export function ChallengeForm(props: PageProps) {
  const router = useRouter();
  return (
    <Challenge
      {...props}
      verifySms={verifySignInCodeAction}
      verifyBackup={verifyBackupCodeAction}
      verifyAuthenticator={verifyAuthenticatorCodeAction}
      passkeyOptions={passkeyOptions}
      verifyPasskey={verifyPasskey}
      resend={resendCodeAction}
      verifyUrl={VERIFY_URL}
      expiredPath={EXPIRED_PATH}
      transportMessages={TRANSPORT}
      changePasswordHref="/password-reset"
      onNavigate={(path) => router.replace(path)}
    />
  );
}
