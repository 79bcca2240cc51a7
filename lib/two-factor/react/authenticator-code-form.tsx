import type { FormEventHandler } from "react";
import type { ActionState } from "../action-state";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { Field } from "./field";
import { FormMessage } from "./form-message";
import { TimeZoneField } from "./time-zone";
import { TrustDevice } from "./trust-device";

/** The challenge's "Use your authenticator app" form: the app's current 6-digit code. */
export function AuthenticatorCodeForm(props: {
  action: (formData: FormData) => void;
  onSubmit?: FormEventHandler<HTMLFormElement>;
  state: ActionState;
  pending: boolean;
  trustedFor: string;
  classNames?: ClassNames<TwoFactorSlot>;
}) {
  const { state, pending, classNames } = props;
  return (
    <form action={props.action} onSubmit={props.onSubmit} noValidate>
      <TimeZoneField />
      <p className={slotClasses(classNames)("text", "mb-4")}>Open your authenticator app and enter the 6-digit code it shows for this account.</p>
      <FormMessage error={state.lockedUntil ? undefined : state.error} classNames={classNames} />
      <Field
        label="Authentication code"
        name="code"
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9 ]*"
        maxLength={7}
        autoFocus
        required
        error={state.fieldErrors?.code}
        classNames={classNames}
      />
      <TrustDevice trustedFor={props.trustedFor} classNames={classNames} />
      <Button type="submit" pending={pending} disabled={pending} className={classNames?.button}>
        {pending ? "Verifying…" : "Verify"}
      </Button>
    </form>
  );
}
