"use client";

import { useActionState, useState } from "react";
import { twoFactorMessage } from "../messages";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { CodeField } from "./code-field";
import { Field } from "./field";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import { ResendButton } from "./resend-button";
import type { StepAction } from "./route-action";
import { TimeZoneField, useBrowserTimeZone } from "./time-zone";
import { useLock } from "./use-lock";

export interface ConfirmSecondFactorProps {
  /** Where the browser goes once confirmed (sent with the form as `next`). */
  next: string;
  /** The second factor is locked until then (ISO time). */
  lockedUntil: string | null;
  /** The steps: text a code, then check the password with the code or a backup code (`method`). */
  send: StepAction;
  confirm: StepAction;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

/** "Confirm it's you": the password and the second factor again, before a sensitive change. */
export function ConfirmSecondFactor(props: ConfirmSecondFactorProps) {
  const { next, lockedUntil: lockedAtOpen, classNames } = props;
  const cx = slotClasses(classNames);
  const [method, setMethod] = useState<"sms" | "backup">("sms");
  const [sendState, sendAction, sending] = useActionState(props.send, {});
  const [state, action, confirming] = useActionState(props.confirm, {});
  useFollowRedirect(state.redirectTo, props.onNavigate);
  const timeZone = useBrowserTimeZone();
  const { locked, lockedUntil } = useLock([lockedAtOpen, sendState.lockedUntil, state.lockedUntil]);
  const now = new Date();
  const lockMessage =
    lockedUntil
      ? twoFactorMessage({ code: "LOCKED", retryAfterMs: Date.parse(lockedUntil) - now.getTime() }, { screen: "confirm", now, timeZone })
      : null;
  return (
    <div className={classNames?.root}>
      {lockMessage ? (
        <p role="alert" data-testid="lock-message" className={cx("error", "mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900")}>
          {lockMessage}
        </p>
      ) : null}
      {/* While locked, every way to try a code is disabled until the lock lifts; a lifted lock enables them again. */}
      <fieldset disabled={locked} className="disabled:opacity-60">
      {method === "sms" ? (
        <form action={sendAction} className="mb-4">
          <TimeZoneField />
          <FormMessage error={sendState.lockedUntil ? undefined : sendState.error} message={sendState.message} classNames={classNames} />
          {sendState.ok ? (
            <ResendButton resendAt={sendState.resendAt} pending={sending} classNames={classNames} />
          ) : (
            <button type="submit" className={cx("secondaryButton", "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100")}>
              {sending ? "Sending…" : "Send code"}
            </button>
          )}
        </form>
      ) : null}
      <form action={action} noValidate>
        <TimeZoneField />
        <FormMessage error={state.lockedUntil ? undefined : state.error} classNames={classNames} />
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="method" value={method} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} classNames={classNames} />
        {method === "sms" ? (
          <CodeField error={state.fieldErrors?.code} classNames={classNames} />
        ) : (
          <Field label="Backup code" name="code" autoComplete="off" spellCheck={false} required error={state.fieldErrors?.code} classNames={classNames} />
        )}
        <Button type="submit" pending={confirming} disabled={confirming} className={classNames?.button}>
          {confirming ? "Confirming…" : "Confirm"}
        </Button>
      </form>
      <p className={cx("text", "mt-4 text-sm")}>
        <button type="button" className={cx("link", "underline")} onClick={() => setMethod(method === "sms" ? "backup" : "sms")}>
          {method === "sms" ? "Use the backup code" : "Use the code received via SMS"}
        </button>
      </p>
      </fieldset>
    </div>
  );
}
