import type { Metadata } from "next";
import { cancelSignInAction } from "../actions";
import { Card } from "@/components/ui";
import { requirePendingSignIn } from "@/lib/auth/pending";
import { CancelSignIn, SecureSetupFlow } from "@/lib/two-factor/react";
import { beginSecureSetupAction, confirmSecureSetupAction, finishSecureSetupAction } from "./actions";

export const metadata: Metadata = { title: "Add a secure verification method" };

/** A member of a secure-methods-only organization adds an authenticator app before the session (issue 18). */
export default async function SecureSetupPage() {
  const pending = await requirePendingSignIn("secure_setup");
  return (
    <Card title="Add a secure verification method">
      <p className="mb-4">
        {pending.proved
          ? "Your organization now accepts only an authenticator app or a passkey for two-step verification: text message codes are no longer accepted. Add an authenticator app to finish signing in."
          : "Your organization requires two-step authentication and accepts only an authenticator app or a passkey. Start the setup by adding an authenticator app."}
      </p>
      <SecureSetupFlow begin={beginSecureSetupAction} confirm={confirmSecureSetupAction} finish={finishSecureSetupAction} appName="Connect" />
      <CancelSignIn cancel={cancelSignInAction} />
    </Card>
  );
}
