"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import { ResendButton } from "@/components/two-factor/resend-button";
import { CodeField } from "@/components/two-factor/code-field";
import { useWebOtp } from "@/components/two-factor/use-web-otp";
import { Button, Field, FormMessage } from "@/components/ui";
import { resendCodeAction, verifyBackupCodeAction, verifySignInCodeAction } from "./actions";
import { useVerifySubmit } from "./use-verify-submit";

type Method = "sms" | "backup";

export function ChallengeForm(props: { phoneMasked: string | null; resendAt: string | null; notice: string | null }) {
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
      {method === "sms" ? (
        <>
          <p className="mb-4">
            We texted a verification code to {props.phoneMasked ?? "your phone"}. Enter it to finish signing in.
          </p>
          <FormMessage error={resendState.error ?? props.notice ?? undefined} message={resendState.message} />
          <form action={smsAction} onSubmit={smsSubmit.onSubmit} noValidate>
            <FormMessage error={smsState.error} />
            <CodeField
              autoFocus
              defaultValue={autofilled}
              key={autofilled}
              error={smsState.fieldErrors?.code}
            />
            <TrustDevice />
            <Button type="submit" pending={verifyingSms} disabled={verifyingSms}>
              {verifyingSms ? "Verifying…" : "Verify"}
            </Button>
          </form>
          <form action={resendAction} className="mt-4">
            <ResendButton resendAt={resendState.resendAt ?? props.resendAt} pending={resending} />
          </form>
        </>
      ) : (
        <form action={backupAction} onSubmit={backupSubmit.onSubmit} noValidate>
          <p className="mb-4">Enter one of the backup codes you stored when you set up two-step authentication.</p>
          <FormMessage error={backupState.error} />
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
          <TrustDevice />
          <Button type="submit" pending={verifyingBackup} disabled={verifyingBackup}>
            {verifyingBackup ? "Verifying…" : "Verify"}
          </Button>
        </form>
      )}

      <div className="mt-6 border-t border-slate-200 pt-4 text-sm">
        <button type="button" aria-expanded={choosing} aria-controls="other-methods" onClick={() => setChoosing(!choosing)} className="underline">
          Choose another verification method
        </button>
        {choosing ? (
          <ul id="other-methods" className="mt-3 flex flex-col gap-2">
            <li>
              <button type="button" onClick={() => choose("sms")} className="underline" aria-current={method === "sms" || undefined}>
                Use the code received via SMS
              </button>
            </li>
            <li>
              <button type="button" onClick={() => choose("backup")} className="underline" aria-current={method === "backup" || undefined}>
                Use the backup code
              </button>
            </li>
          </ul>
        ) : null}
        <p className="mt-4">
          Can&apos;t sign in? <Link href="/password-reset" className="underline">Submit a change of password request</Link>
        </p>
      </div>
    </div>
  );
}

function TrustDevice() {
  return (
    <div className="mb-4 flex items-start gap-3">
      <input id="trustDevice" name="trustDevice" type="checkbox" defaultChecked className="mt-1 h-4 w-4" aria-describedby="trustDevice-hint" />
      <div>
        <label htmlFor="trustDevice">Trust this device</label>
        <p id="trustDevice-hint" className="text-sm text-slate-600">
          We won&apos;t ask for a code on this browser for 30 days.
        </p>
      </div>
    </div>
  );
}
