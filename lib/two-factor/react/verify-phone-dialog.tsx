"use client";

import { useActionState, useEffect, useRef, type ReactNode, type RefObject } from "react";
import type { ActionState } from "../action-state";
import { Button } from "./button";
import { slotClasses, type ClassNames } from "./class-names";
import { CodeField } from "./code-field";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import type { StepAction } from "./route-action";
import { TimeZoneField } from "./time-zone";

export type VerifyPhoneDialogSlot = "root" | "title" | "text" | "label" | "input" | "button" | "link" | "error";

/**
 * The "Verify Your Phone" popup: a native modal <dialog>, so focus stays inside, the page behind
 * is inert and Escape closes it.
 */
export function VerifyPhoneDialog(props: {
  open: boolean;
  /** The number as just typed, in full: a typo is caught here, before waiting for a text. */
  phoneNumber: string;
  verifyAction: StepAction;
  onVerified(state: ActionState): void;
  onClose(): void;
  onWrongNumber(): void;
  resend: ReactNode;
  /** Where focus goes on closing when what opened the popup is gone or disabled. */
  returnFocus?: RefObject<HTMLElement | null>;
  /** Follows the step's `redirectTo` (a sign-in that ended meanwhile); default `window.location.assign`. */
  onNavigate?: Navigate;
  classNames?: ClassNames<VerifyPhoneDialogSlot>;
}) {
  const { classNames } = props;
  const cx = slotClasses(classNames);
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const wrongNumber = useRef(false);
  const [state, action, pending] = useActionState(props.verifyAction, {});
  const { onVerified } = props;
  useFollowRedirect(state.redirectTo, props.onNavigate);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      const active = document.activeElement;
      opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
      dialog.showModal();
    }
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);

  useEffect(() => {
    if (state.ok) onVerified(state);
  }, [state, onVerified]);

  return (
    <dialog
      ref={ref}
      aria-labelledby="verify-phone-title"
      aria-describedby="verify-phone-description"
      onClose={() => {
        props.onClose();
        // "Wrong number?" goes back to the number, not to what opened the dialog.
        if (wrongNumber.current) {
          wrongNumber.current = false;
          props.onWrongNumber();
          return;
        }
        const back = opener.current;
        (back?.isConnected && !back.matches(":disabled") ? back : props.returnFocus?.current)?.focus();
      }}
      className={cx("root", "m-auto w-full max-w-sm rounded-xl p-6 shadow-xl backdrop:bg-slate-900/50")}
    >
      <h2 id="verify-phone-title" className={cx("title", "mb-2 text-xl font-semibold")}>
        Verify Your Phone
      </h2>
      <p id="verify-phone-description" className={cx("text", "mb-4 text-sm text-slate-700")}>
        We texted a one-time code to <strong data-testid="verify-phone-number">{props.phoneNumber}</strong>. Enter it below to verify
        your phone number.{" "}
        <button
          type="button"
          onClick={() => {
            wrongNumber.current = true;
            ref.current?.close();
          }}
          className={cx("link", "underline")}
        >
          Wrong number?
        </button>
      </p>
      <form action={action} noValidate>
        <TimeZoneField />
        <FormMessage error={state.error} classNames={classNames} />
        <CodeField autoFocus error={state.fieldErrors?.code} classNames={classNames} />
        <div className="flex items-center justify-between gap-3">
          <Button type="submit" pending={pending} disabled={pending} className={classNames?.button}>
            {pending ? "Verifying…" : "Verify Phone"}
          </Button>
          <button type="button" onClick={() => ref.current?.close()} className={cx("link", "text-sm underline")}>
            Cancel
          </button>
        </div>
      </form>
      <div className="mt-4 border-t border-slate-200 pt-3">{props.resend}</div>
    </dialog>
  );
}
