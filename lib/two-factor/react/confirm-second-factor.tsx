"use client";

import { useActionState, useState } from "react";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { CodeField } from "./code-field";
import { Field } from "./field";
import { FormMessage } from "./form-message";
import { LockNotice, useLockNotice } from "./lock-notice";
import { useFollowRedirect, type Navigate } from "./navigation";
import { METHOD_LABELS, offeredMethods, type ChallengeMethod } from "./other-methods";
import { ResendButton } from "./resend-button";
import type { StepAction } from "./route-action";
import { TimeZoneField } from "./time-zone";
import { usePasskeyConfirm } from "./use-passkey-confirm";

export interface ConfirmSecondFactorProps {
  /** Where the browser goes once confirmed (sent with the form as `next`). */
  next: string;
  /** The second factor is locked until then (ISO time). */
  lockedUntil: string | null;
  /** The methods in the challenge's order (`confirmationStatus`): the page opens with the first. Without it, SMS first. */
  methods?: readonly ChallengeMethod[];
  /** The member has a confirmed authenticator app: "Use your authenticator app" is offered too. Ignored with `methods`. */
  hasAuthenticatorApp?: boolean;
  /** confirm/passkey-options: "Use a passkey or security key" is offered (when `methods` lists it) only with it. */
  passkeyOptions?: StepAction;
  /** The steps: text a code, then check the password with the code, a backup code or the app's code (`method`). */
  send: StepAction;
  confirm: StepAction;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

/** "Confirm it's you": the password and the second factor again, before a sensitive change. */
export function ConfirmSecondFactor(props: ConfirmSecondFactorProps) {
  const { next, lockedUntil: lockedAtOpen, classNames } = props;
  const cx = slotClasses(classNames);
  const methods = offeredMethods(props.methods, { passkey: Boolean(props.passkeyOptions), authenticator: true }, props.hasAuthenticatorApp);
  const [method, setMethod] = useState<ChallengeMethod>(methods[0]!);
  // With SMS alone, the article's one link between the SMS code and the backup code.
  const offered = methods.filter((m) => m !== method);
  const [sendState, sendAction, sending] = useActionState(props.send, {});
  const [state, action, confirming] = useActionState(props.confirm, {});
  useFollowRedirect(state.redirectTo, props.onNavigate);
  const passkey = usePasskeyConfirm(method === "passkey" ? props.passkeyOptions : undefined, action);
  const lock = useLockNotice([lockedAtOpen, sendState.lockedUntil, state.lockedUntil], "confirm");
  return (
    <div className={classNames?.root}>
      <LockNotice message={lock.message} classNames={classNames} />
      {/* While locked, every way to try a code is disabled until the lock lifts; a lifted lock enables them again. */}
      <fieldset disabled={lock.locked} className="disabled:opacity-60">
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
      <form action={action} onSubmit={passkey.onSubmit} noValidate>
        <TimeZoneField />
        <FormMessage error={state.lockedUntil ? undefined : ((method === "passkey" ? passkey.error : undefined) ?? state.error)} classNames={classNames} />
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="method" value={method} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} classNames={classNames} />
        {method === "passkey" ? (
          <PasskeyPrompt error={state.fieldErrors?.code} className={cx("text", "mb-4 text-sm text-slate-700")} />
        ) : method === "sms" ? (
          <CodeField error={state.fieldErrors?.code} classNames={classNames} />
        ) : method === "authenticator" ? (
          <Field
            key="authenticator"
            label="Authentication code"
            name="code"
            hint="Open your authenticator app and enter the 6-digit code it shows for this account."
            autoComplete="one-time-code"
            inputMode="numeric"
            pattern="[0-9 ]*"
            maxLength={7}
            required
            error={state.fieldErrors?.code}
            classNames={classNames}
          />
        ) : (
          <Field key="backup" label="Backup code" name="code" autoComplete="off" spellCheck={false} required error={state.fieldErrors?.code} classNames={classNames} />
        )}
        <Button type="submit" pending={confirming || passkey.asking} disabled={confirming || passkey.asking} className={classNames?.button}>
          {passkey.asking ? "Waiting for your passkey…" : confirming ? "Confirming…" : method === "passkey" ? "Confirm with passkey" : "Confirm"}
        </Button>
      </form>
      {offered.map((other) => (
        <p key={other} className={cx("text", "mt-4 text-sm")}>
          <button type="button" className={cx("link", "underline")} onClick={() => setMethod(other)}>
            {METHOD_LABELS[other]}
          </button>
        </p>
      ))}
      </fieldset>
    </div>
  );
}

/** What the passkey's confirmation says instead of a code field, and its refusal. */
function PasskeyPrompt({ error, className }: { error?: string; className: string }) {
  return (
    <>
      <p className={className}>Your browser will ask for your passkey or security key: its fingerprint, face, screen lock or PIN.</p>
      {error ? (
        <p id="code-error" role="alert" className="mb-4 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </>
  );
}
