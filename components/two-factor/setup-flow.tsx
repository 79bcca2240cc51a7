"use client";

import { useActionState, useCallback, useEffect, useRef, useState } from "react";
import { BackupCodes } from "@/components/two-factor/backup-codes";
import { ResendButton } from "@/components/two-factor/resend-button";
import { VerifyPhoneDialog } from "@/components/two-factor/verify-phone-dialog";
import { Button, Field, FormMessage } from "@/components/ui";
import type { ActionState } from "@/lib/action";
import { TimeZoneField } from "@/components/two-factor/time-zone";

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * The article's setup: phone number, "Send code", the "Verify Your Phone" popup, the backup codes,
 * then `finish` (which starts the session during sign-in, or confirms on the Security page).
 */
export function SetupFlow(props: { rule: string; example: string; send: Action; verify: Action; finish: Action; focusPhone?: boolean }) {
  const { rule, example } = props;
  const [sendState, sendAction, sending] = useActionState(props.send, {});
  const [finishState, finishAction, finishing] = useActionState(props.finish, {});
  const [dialogOpen, setDialogOpen] = useState(false);
  const [backupCodes, setBackupCodes] = useState<string[] | null>(null);
  const sendButton = useRef<HTMLButtonElement>(null);
  const phone = sendState.values?.phone ?? "";
  const phoneInput = useRef<HTMLInputElement>(null);
  const suggested = sendState.suggestedPhone;

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

  if (finishState.ok) {
    return (
      <p role="status" className="rounded-md border border-green-200 bg-green-50 p-4 text-green-900">
        {finishState.message}
      </p>
    );
  }

  if (backupCodes) {
    return (
      <div>
        <p role="status" className="mb-4 rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800">
          Your phone number is verified.
        </p>
        <BackupCodes codes={backupCodes} />
        <form action={finishAction} noValidate>
          <FormMessage id="stored-error" error={finishState.error ?? finishState.fieldErrors?.stored} />
          <div className="mb-4 flex items-start gap-3">
            <input
              id="stored"
              name="stored"
              type="checkbox"
              required
              aria-invalid={finishState.fieldErrors?.stored ? true : undefined}
              aria-describedby={finishState.fieldErrors?.stored ? "stored-error" : undefined}
              className="mt-1 h-4 w-4"
            />
            <label htmlFor="stored">I have stored my backup codes in a safe place</label>
          </div>
          <Button type="submit" pending={finishing} disabled={finishing}>
            {finishing ? "Finishing…" : "Continue"}
          </Button>
        </form>
      </div>
    );
  }

  return (
    <div>
      <form action={sendAction} noValidate>
        <TimeZoneField />
        <FormMessage error={sendState.ok ? undefined : sendState.fieldErrors?.phone ? undefined : sendState.error} />
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
            sendState.fieldErrors?.phone && suggested ? (
              <>
                {sendState.fieldErrors.phone}{" "}
                <button
                  type="button"
                  className="font-medium underline"
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
              sendState.fieldErrors?.phone
            )
          }
        />
        <Button ref={sendButton} type="submit" pending={sending} disabled={sending}>
          {sending ? "Sending…" : "Send code"}
        </Button>
      </form>
      {sendState.ok ? (
        <p className="mt-4 text-sm">
          <button type="button" className="underline" onClick={() => setDialogOpen(true)}>
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
        resend={
          <form action={sendAction}>
            <TimeZoneField />
            <input type="hidden" name="phone" value={phone} />
            <ResendButton resendAt={sendState.resendAt} pending={sending} />
            {sendState.ok === false && sendState.error ? (
              <p role="alert" className="mt-2 text-sm text-red-700">
                {sendState.error}
              </p>
            ) : null}
          </form>
        }
      />
    </div>
  );
}
