import type { Metadata } from "next";
import { cancelSignInAction } from "../actions";
import { Card } from "@/components/ui";
import { requestHost } from "@/lib/auth/cookies";
import { requirePendingSignIn } from "@/lib/auth/pending";
import { formatDuration } from "@/lib/duration";
import { twoFactorDeps } from "@/lib/server";
import { isTwoFactorErrorCode, twoFactorPageStatus } from "@/lib/two-factor";
import { CancelSignIn } from "@/lib/two-factor/react";
import { ChallengeForm } from "./challenge-form";

export const metadata: Metadata = { title: "Two-step verification" };

const isInstant = (value: unknown): value is string => typeof value === "string" && value.length <= 40 && !Number.isNaN(Date.parse(value));

export default async function ChallengePage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const pending = await requirePendingSignIn("challenge");
  const { notice, liftsAt } = await searchParams;
  const status = await twoFactorPageStatus(await twoFactorDeps(await requestHost()), pending);
  return (
    <Card title="Two-step verification">
      <ChallengeForm
        phoneMasked={status.phoneMasked}
        resendAt={status.resendAt?.toISOString() ?? null}
        codeSent={status.codeSent}
        notice={typeof notice === "string" && isTwoFactorErrorCode(notice) ? { code: notice, liftsAt: isInstant(liftsAt) ? liftsAt : null } : null}
        lockedUntil={status.lockedUntil?.toISOString() ?? null}
        trustedFor={formatDuration((await twoFactorDeps(null)).options.trustedDeviceTtlMs)}
        hasAuthenticatorApp={status.hasAuthenticatorApp}
        hasPasskey={status.hasPasskey}
      />
      <CancelSignIn cancel={cancelSignInAction} />
    </Card>
  );
}
