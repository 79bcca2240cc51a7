import type { FormEventHandler, ReactNode } from "react";
import type { ActionState } from "../action-state";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { TimeZoneField } from "./time-zone";
import { TrustDevice } from "./trust-device";

export interface ChallengeCodeFormProps {
  action: (formData: FormData) => void;
  onSubmit?: FormEventHandler<HTMLFormElement>;
  state: ActionState;
  pending: boolean;
  trustedFor: string;
  classNames?: ClassNames<TwoFactorSlot>;
}

/** One of the challenge's other methods: a sentence, its code field (`children`), "Trust this device", Verify. */
export function ChallengeCodeForm(props: ChallengeCodeFormProps & { intro: string; children: ReactNode }) {
  const { state, pending, classNames } = props;
  return (
    <form action={props.action} onSubmit={props.onSubmit} noValidate>
      <TimeZoneField />
      <p className={slotClasses(classNames)("text", "mb-4")}>{props.intro}</p>
      <FormMessage error={state.lockedUntil ? undefined : state.error} classNames={classNames} />
      {props.children}
      <TrustDevice trustedFor={props.trustedFor} classNames={classNames} />
      <Button type="submit" pending={pending} disabled={pending} className={classNames?.button}>
        {pending ? "Verifying…" : "Verify"}
      </Button>
    </form>
  );
}
