"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import { ResendButton } from "@/components/two-factor/resend-button";
import { CodeField } from "@/components/two-factor/code-field";
import { TimeZoneField, useBrowserTimeZone } from "@/components/two-factor/time-zone";
import { useLock } from "@/components/two-factor/use-lock";
import { useWebOtp } from "@/components/two-factor/use-web-otp";
import { Button, Field, FormMessage } from "@/components/ui";
import type { ActionState } from "@/lib/action";
import { twoFactorMessage, type TwoFactorErrorCode, type TwoFactorFailure } from "@/lib/two-factor/client";
import { resendCodeAction, verifyBackupCodeAction, verifySignInCodeAction } from "./actions";
import { useVerifySubmit } from "./use-verify-submit";

type Method = "sms" | "backup";

/** A failure the page was opened with (the send at sign-in), with when it lifts (ISO time). */
export interface ChallengeNotice {
  code: TwoFactorErrorCode;
  liftsAt: string | null;
}

export function ChallengeForm(props: {
  phoneMasked: string | null;
  resendAt: string | null;
  /** Whether a code was texted for this sign-in: the send at sign-in may have failed. */
  codeSent: boolean;
  notice: ChallengeNotice | null;
  /** The second factor is locked until then (ISO time). */
  lockedUntil: string | null;
  /** How long "Trust this device" skips the code, in words ("30 days"). */
  trustedFor: string;
}) {
  const [method, setMethod] = useState<Method>("sms");
  const [choosing, setChoosing] = useState(false);
  // Without JavaScript the forms run their server actions; with it they post to the verify route.
  const [smsActionState, smsAction, smsActionPending] = useActionState(verifySignInCodeAction, {});
  const [backupActionState, backupAction, backupActionPending] = useActionState(verifyBackupCodeAction, {});
  const smsSubmit = useVerifySubmit("sms");
  const backupSubmit = useVerifySubmit("backup");
  const smsState = smsSubmit.state ?? smsActionState;
  const backupState = backupSubmit.state ?? backupActionState;
  const verifyingSms = smsSubmit.pending || smsActionPending;
  const verifyingBackup = backupSubmit.pending || backupActionPending;
  const [resendState, resendAction, resending] = useActionState(resendCodeAction, {});
  const autofilled = useWebOtp(method === "sms");
  const router = useRouter();
  const timeZone = useBrowserTimeZone();
  const say = (failure: { code: TwoFactorErrorCode; liftsAt?: string | null; triesLeft?: number }) => {
    const now = new Date();
    const known: TwoFactorFailure = { ...failure, retryAfterMs: failure.liftsAt ? Date.parse(failure.liftsAt) - now.getTime() : undefined };
    return twoFactorMessage(known, { screen: "challenge", now, timeZone });
  };
  // A new code makes the answers about the old one stale: they are hidden until the next try.
  // Only a new resend answer marks the SMS answer shown at that moment as stale (state adjusted
  // while rendering, as React advises for state derived from a change, not in an effect).
  const [staleSmsState, setStaleSmsState] = useState<ActionState | null>(null);
  const [seenResendState, setSeenResendState] = useState(resendState);
  if (resendState !== seenResendState) {
    setSeenResendState(resendState);
    if (resendState.ok) setStaleSmsState(smsState);
  }
  const smsShown = smsState === staleSmsState ? {} : smsState;
  const { locked, lockedUntil } = useLock([props.lockedUntil, smsState.lockedUntil, backupState.lockedUntil, resendState.lockedUntil]);
  const lockMessage = lockedUntil ? say({ code: "LOCKED", liftsAt: lockedUntil }) : null;
  const pageNotice = props.notice && props.notice.code !== "LOCKED" && !resendState.ok && !resendState.error ? say(props.notice) : undefined;
  const done = [smsState, backupState].find((state) => state.redirectTo);
  const goTo = done?.redirectTo;
  useEffect(() => {
    if (goTo) router.replace(goTo);
  }, [router, goTo]);

  if (done?.ok && goTo) {
    return (
      <p role="status" className="rounded-md bg-green-50 p-3 text-green-900">
        Verified. Signing you in… <Link href={goTo} className="underline">Continue</Link>
      </p>
    );
  }

  function choose(next: Method) {
    setMethod(next);
    setChoosing(false);
  }

  return (
    <div>
      {lockMessage ? (
        <p role="alert" data-testid="lock-message" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {lockMessage}
        </p>
      ) : null}
      {/* While locked, the forms are disabled; the change of password request below stays open. */}
      <fieldset disabled={locked} className="disabled:opacity-60">
      {method === "sms" ? (
        <>
          <p className="mb-4">
            {props.codeSent || resendState.ok
              ? `We texted a verification code to ${props.phoneMasked ?? "your phone"}. Enter it to finish signing in.`
              : "No code has been texted for this sign-in yet. Ask for one with “Resend code”, or choose another verification method."}
          </p>
          <FormMessage error={resendState.lockedUntil ? undefined : (resendState.error ?? pageNotice)} message={resendState.message} />
          <form action={smsAction} onSubmit={smsSubmit.onSubmit} noValidate>
            <TimeZoneField />
            <FormMessage error={smsShown.lockedUntil ? undefined : smsShown.error} />
            <CodeField
              autoFocus
              defaultValue={autofilled}
              key={autofilled}
              error={smsShown.fieldErrors?.code}
            />
            <TrustDevice trustedFor={props.trustedFor} />
            <Button type="submit" pending={verifyingSms} disabled={verifyingSms}>
              {verifyingSms ? "Verifying…" : "Verify"}
            </Button>
          </form>
          <form action={resendAction} className="mt-4">
            <TimeZoneField />
            <ResendButton resendAt={resendState.resendAt ?? props.resendAt} pending={resending} />
          </form>
        </>
      ) : (
        <form action={backupAction} onSubmit={backupSubmit.onSubmit} noValidate>
          <TimeZoneField />
          <p className="mb-4">Enter one of the backup codes you stored when you set up two-step authentication.</p>
          <FormMessage error={backupState.lockedUntil ? undefined : backupState.error} />
          <Field
            label="Backup code"
            name="backupCode"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            autoFocus
            required
            error={backupState.fieldErrors?.backupCode}
          />
          <TrustDevice trustedFor={props.trustedFor} />
          <Button type="submit" pending={verifyingBackup} disabled={verifyingBackup}>
            {verifyingBackup ? "Verifying…" : "Verify"}
          </Button>
        </form>
      )}
      </fieldset>

      <div className="mt-6 border-t border-slate-200 pt-4 text-sm">
        <button type="button" aria-expanded={choosing} aria-controls="other-methods" onClick={() => setChoosing(!choosing)} className="underline">
          Choose another verification method
        </button>
        {choosing ? (
          <ul id="other-methods" className="mt-3 flex flex-col gap-2">
            {/* Only the method not already shown is offered. */}
            {method !== "sms" ? (
              <li>
                <button type="button" onClick={() => choose("sms")} className="underline">
                  Use the code received via SMS
                </button>
              </li>
            ) : null}
            {method !== "backup" ? (
              <li>
                <button type="button" onClick={() => choose("backup")} className="underline">
                  Use the backup code
                </button>
              </li>
            ) : null}
          </ul>
        ) : null}
        <p className="mt-4">
          Can&apos;t sign in? <Link href="/password-reset" className="underline">Submit a change of password request</Link>
        </p>
      </div>
    </div>
  );
}

function TrustDevice({ trustedFor }: { trustedFor: string }) {
  return (
    <div className="mb-4 flex items-start gap-3">
      <input id="trustDevice" name="trustDevice" type="checkbox" defaultChecked className="mt-1 h-4 w-4" aria-describedby="trustDevice-hint" />
      <div>
        <label htmlFor="trustDevice">Trust this device</label>
        <p id="trustDevice-hint" className="text-sm text-slate-600">
          We won&apos;t ask for a code on this browser for {trustedFor}.
        </p>
      </div>
    </div>
  );
}
