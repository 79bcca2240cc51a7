"use client";

import { useActionState, useCallback, useEffect, useRef, useState } from "react";
import type { ActionState } from "../action-state";
import { Button } from "./button";
import { innerClassNames, slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { Field } from "./field";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import { ResendButton } from "./resend-button";
import type { StepAction } from "./route-action";
import { StoredBackupCodes } from "./stored-backup-codes";
import { TimeZoneField } from "./time-zone";
import { VerifyPhoneDialog } from "./verify-phone-dialog";

export interface SetupFlowProps {
  /** The phone number's format rule and an example, shown under the field. */
  rule: string;
  example: string;
  /** The steps: text a code to the number, check it (answers the backup codes), finish once they are stored. */
  send: StepAction;
  verify: StepAction;
  finish: StepAction;
  /** Focus the Phone number field on arrival (a page whose first step it is). */
  focusPhone?: boolean;
  /** Names the downloaded backup codes file. */
  appName?: string;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

/**
 * Setup: phone number, "Send code", the "Verify Your Phone" popup, the backup codes, then `finish`
 * (which starts the session during sign-in, or turns two-step authentication on for a member).
 */
export function SetupFlow(props: SetupFlowProps) {
  const { rule, example, classNames } = props;
  const cx = slotClasses(classNames);
  const inner = innerClassNames(classNames);
  const [sendState, sendAction, sending] = useActionState(props.send, {});
  const [dialogOpen, setDialogOpen] = useState(false);
  const [backupCodes, setBackupCodes] = useState<string[] | null>(null);
  const sendButton = useRef<HTMLButtonElement>(null);
  const phone = sendState.values?.phone ?? "";
  const phoneInput = useRef<HTMLInputElement>(null);
  const suggested = sendState.suggestedPhone;
  useFollowRedirect(sendState.redirectTo, props.onNavigate);

  /** "Wrong number?" (the dialog has closed): back to the Phone number field, the number kept for editing. */
  const editNumber = useCallback(() => {
    phoneInput.current?.focus();
    phoneInput.current?.select();
  }, []);

  const { focusPhone } = props;
  useEffect(() => {
    if (focusPhone) phoneInput.current?.focus();
  }, [focusPhone]);

  // Each code sent opens the dialog once (React's "adjust state when a prop changes", not an effect).
  const [openedFor, setOpenedFor] = useState<ActionState | null>(null);
  if (sendState.ok && sendState !== openedFor) {
    setOpenedFor(sendState);
    setDialogOpen(true);
  }

  const onVerified = useCallback((state: ActionState) => {
    setBackupCodes(state.backupCodes ?? []);
    setDialogOpen(false);
  }, []);

  if (backupCodes) {
    return <StoredBackupCodes codes={backupCodes} finish={props.finish} appName={props.appName} onNavigate={props.onNavigate} classNames={classNames} />;
  }

  const phoneError = sendState.fieldErrors?.phone;
  return (
    <div className={classNames?.root}>
      <form action={sendAction} noValidate>
        <TimeZoneField />
        <FormMessage error={sendState.ok ? undefined : phoneError ? undefined : sendState.error} classNames={classNames} />
        <Field
          label="Phone number"
          name="phone"
          type="tel"
          autoComplete="tel"
          inputMode="tel"
          placeholder={example}
          defaultValue={phone}
          key={phone}
          required
          hint={
            <>
              {rule} Example: {example}
            </>
          }
          ref={phoneInput}
          error={
            phoneError && suggested ? (
              <>
                {phoneError}{" "}
                <button
                  type="button"
                  className={cx("link", "font-medium underline")}
                  onClick={() => {
                    if (!phoneInput.current) return;
                    phoneInput.current.value = suggested;
                    phoneInput.current.focus();
                  }}
                >
                  Did you mean {suggested}?
                </button>
              </>
            ) : (
              phoneError
            )
          }
          classNames={classNames}
        />
        <Button ref={sendButton} type="submit" pending={sending} disabled={sending} className={classNames?.button}>
          {sending ? "Sending…" : "Send code"}
        </Button>
      </form>
      {sendState.ok ? (
        <p className={cx("text", "mt-4 text-sm")}>
          <button type="button" className={cx("link", "underline")} onClick={() => setDialogOpen(true)}>
            Enter the verification code
          </button>
        </p>
      ) : null}
      <VerifyPhoneDialog
        open={dialogOpen}
        phoneNumber={sendState.phoneFull ?? sendState.phoneMasked ?? "your phone"}
        verifyAction={props.verify}
        onVerified={onVerified}
        onClose={() => setDialogOpen(false)}
        onWrongNumber={editNumber}
        returnFocus={sendButton}
        onNavigate={props.onNavigate}
        classNames={inner}
        resend={
          <form action={sendAction}>
            <TimeZoneField />
            <input type="hidden" name="phone" value={phone} />
            <ResendButton resendAt={sendState.resendAt} pending={sending} classNames={classNames} />
            {sendState.ok === false && sendState.error ? (
              <p role="alert" className={cx("error", "mt-2 text-sm text-red-700")}>
                {sendState.error}
              </p>
            ) : null}
          </form>
        }
      />
    </div>
  );
}
