import type { Metadata } from "next";
import { CancelSignIn } from "@/components/cancel-sign-in";
import { Card } from "@/components/ui";
import { requirePendingSignIn } from "@/lib/auth/pending";
import { twoFactorPageStatus } from "@/lib/two-factor/page-status";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { ChallengeForm } from "./challenge-form";

export const metadata: Metadata = { title: "Two-step verification" };

export default async function ChallengePage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const pending = await requirePendingSignIn("challenge");
  const { notice } = await searchParams;
  const status = await twoFactorPageStatus(pending);
  return (
    <Card title="Two-step verification">
      <ChallengeForm
        phoneMasked={status.phoneMasked}
        resendAt={status.resendAt?.toISOString() ?? null}
        notice={typeof notice === "string" ? twoFactorMessage({ code: notice }) : null}
      />
      <CancelSignIn />
    </Card>
  );
}
