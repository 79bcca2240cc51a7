"use client";

import { useActionState, useState } from "react";
import { ResendButton } from "@/components/two-factor/resend-button";
import { CodeField } from "@/components/two-factor/code-field";
import { Button, Field, FormMessage } from "@/components/ui";
import { confirmAction, sendConfirmCodeAction } from "./actions";
import { TimeZoneField, useBrowserTimeZone } from "@/components/two-factor/time-zone";
import { useLock } from "@/components/two-factor/use-lock";
import { twoFactorMessage } from "@/lib/two-factor/client";

export function ConfirmForm({ next, lockedUntil: lockedAtOpen }: { next: string; lockedUntil: string | null }) {
  const [method, setMethod] = useState<"sms" | "backup">("sms");
  const [sendState, sendAction, sending] = useActionState(sendConfirmCodeAction, {});
  const [state, action, confirming] = useActionState(confirmAction, {});
  const timeZone = useBrowserTimeZone();
  const { locked, lockedUntil } = useLock([lockedAtOpen, sendState.lockedUntil, state.lockedUntil]);
  const now = new Date();
  const lockMessage =
    lockedUntil
      ? twoFactorMessage({ code: "LOCKED", retryAfterMs: Date.parse(lockedUntil) - now.getTime() }, { screen: "confirm", now, timeZone })
      : null;
  return (
    <div>
      {lockMessage ? (
        <p role="alert" data-testid="lock-message" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {lockMessage}
        </p>
      ) : null}
      {/* While locked, every way to try a code is disabled until the lock lifts; a lifted lock enables them again. */}
      <fieldset disabled={locked} className="disabled:opacity-60">
      {method === "sms" ? (
        <form action={sendAction} className="mb-4">
          <TimeZoneField />
          <FormMessage error={sendState.lockedUntil ? undefined : sendState.error} message={sendState.message} />
          {sendState.ok ? (
            <ResendButton resendAt={sendState.resendAt} pending={sending} />
          ) : (
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100">
              {sending ? "Sending…" : "Send code"}
            </button>
          )}
        </form>
      ) : null}
      <form action={action} noValidate>
        <TimeZoneField />
        <FormMessage error={state.lockedUntil ? undefined : state.error} />
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="method" value={method} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} />
        {method === "sms" ? (
          <CodeField error={state.fieldErrors?.code} />
        ) : (
          <Field label="Backup code" name="code" autoComplete="off" spellCheck={false} required error={state.fieldErrors?.code} />
        )}
        <Button type="submit" pending={confirming} disabled={confirming}>
          {confirming ? "Confirming…" : "Confirm"}
        </Button>
      </form>
      <p className="mt-4 text-sm">
        <button type="button" className="underline" onClick={() => setMethod(method === "sms" ? "backup" : "sms")}>
          {method === "sms" ? "Use the backup code" : "Use the code received via SMS"}
        </button>
      </p>
      </fieldset>
    </div>
  );
}
