"use client";

import { useActionState } from "react";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import { RemoveMethod } from "./remove-method";
import type { StepAction } from "./route-action";

/** The SMS method's action that resumes after "Confirm it's you". */
export type SmsIntent = "phone-remove";

export interface SmsMethodProps {
  /** The verified phone, masked; null when SMS is not set up. */
  phoneMasked: string | null;
  /** The phone page: set up SMS, or change the number. */
  phoneHref: string;
  resume: SmsIntent | null;
  remove: StepAction;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

/** The Security page's SMS: the phone with "Change phone number" and "Remove", or "Add SMS". */
export function SmsMethod(props: SmsMethodProps) {
  const { classNames } = props;
  const cx = slotClasses(classNames);
  const [removeState, remove, removing] = useActionState(props.remove, {});
  useFollowRedirect(removeState.redirectTo, props.onNavigate);
  if (!props.phoneMasked) {
    return (
      <div className={classNames?.root}>
        <p className={cx("text", "mb-3 text-slate-700")}>Get a code by text message when you sign in.</p>
        <a href={props.phoneHref} className={cx("link", "underline")}>
          Add SMS
        </a>
      </div>
    );
  }
  return (
    <div className={classNames?.root}>
      <FormMessage error={removeState.error} classNames={classNames} />
      <p className={cx("text", "mb-3")}>
        <span data-testid="two-factor-phone">{props.phoneMasked}</span>{" "}
        <a href={props.phoneHref} className={cx("link", "ml-2 text-sm underline")}>
          Change phone number
        </a>
      </p>
      <RemoveMethod
        id="remove-phone-question"
        question={`Remove SMS? Codes will no longer be texted to ${props.phoneMasked}, and you will verify with your other method.`}
        confirmLabel="Remove SMS"
        removeLabel="Remove SMS"
        action={remove}
        pending={removing}
        open={props.resume === "phone-remove"}
        classNames={classNames}
      />
    </div>
  );
}
