"use client";

import { useRouter } from "next/navigation";
import { ERROR_MESSAGES } from "@/lib/errors";
import { Challenge, type ChallengeProps } from "@/lib/two-factor/react";
import { resendCodeAction, verifyAuthenticatorCodeAction, verifyBackupCodeAction, verifySignInCodeAction } from "./actions";

export type { ChallengeNotice } from "@/lib/two-factor/react";

/** The route that answers "Verify" as JSON when JavaScript runs (./verify/route.ts). */
export const VERIFY_URL = "/api/two-factor/challenge/verify";
const TRANSPORT = { network: ERROR_MESSAGES.NETWORK, unavailable: ERROR_MESSAGES.SERVICE_UNAVAILABLE };

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
      resend={resendCodeAction}
      verifyUrl={VERIFY_URL}
      expiredPath="/sign-in?expired=1"
      transportMessages={TRANSPORT}
      changePasswordHref="/password-reset"
      onNavigate={(path) => router.replace(path)}
    />
  );
}
