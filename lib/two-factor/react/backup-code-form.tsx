import type { FormEventHandler } from "react";
import type { ActionState } from "../action-state";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { Field } from "./field";
import { FormMessage } from "./form-message";
import { TimeZoneField } from "./time-zone";
import { TrustDevice } from "./trust-device";

/** The challenge's "Use the backup code" form. */
export function BackupCodeForm(props: {
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
      <p className={slotClasses(classNames)("text", "mb-4")}>Enter one of the backup codes you stored when you set up two-step authentication.</p>
      <FormMessage error={state.lockedUntil ? undefined : state.error} classNames={classNames} />
      <Field
        label="Backup code"
        name="backupCode"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        autoFocus
        required
        error={state.fieldErrors?.backupCode}
        classNames={classNames}
      />
      <TrustDevice trustedFor={props.trustedFor} classNames={classNames} />
      <Button type="submit" pending={pending} disabled={pending} className={classNames?.button}>
        {pending ? "Verifying…" : "Verify"}
      </Button>
    </form>
  );
}
