import type { Metadata } from "next";
import { cancelSignInAction } from "../actions";
import { Card } from "@/components/ui";
import { requirePendingSignIn } from "@/lib/auth/pending";
import { PHONE_EXAMPLE, PHONE_FORMAT_RULE } from "@/lib/two-factor";
import { CancelSignIn, SetupFlow } from "@/lib/two-factor/react";
import { finishSetupAction, sendSetupCodeAction, verifySetupCodeAction } from "./actions";

export const metadata: Metadata = { title: "Set up two-step authentication" };

export default async function SetupPage() {
  await requirePendingSignIn("setup");
  return (
    <Card title="Set up two-step authentication">
      <p className="mb-4">
        The owner of this account requires two-step authentication for all users. Start the setup by adding your phone
        number.
      </p>
      <SetupFlow
        rule={PHONE_FORMAT_RULE}
        example={PHONE_EXAMPLE}
        send={sendSetupCodeAction}
        verify={verifySetupCodeAction}
        finish={finishSetupAction}
        appName="Connect"
      />
      <CancelSignIn cancel={cancelSignInAction} />
    </Card>
  );
}
