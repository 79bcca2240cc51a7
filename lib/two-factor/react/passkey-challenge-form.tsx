"use client";

import { useState, useTransition, type FormEvent } from "react";
import type { ActionState } from "../action-state";
import { Button } from "./button";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { signWithPasskey } from "./passkey-ceremony";
import type { StepAction } from "./route-action";
import { TimeZoneField } from "./time-zone";
import { TrustDevice } from "./trust-device";

export interface PasskeyChallengeFormProps {
  /** challenge/passkey-options: the request for this pending sign-in. */
  options: StepAction;
  /** challenge/verify with `method: "passkey"` and `response` (the browser's answer). */
  verify: StepAction;
  trustedFor: string;
  /** Each answer (a lock, a redirect), for the challenge to show and follow. */
  onAnswer(state: ActionState): void;
  classNames?: ClassNames<TwoFactorSlot>;
}

/**
 * The challenge's "Use a passkey or security key": the browser asks for one of the member's
 * passkeys (its fingerprint, face, screen lock or PIN), then the answer is verified.
 */
export function PasskeyChallengeForm(props: PasskeyChallengeFormProps) {
  const { classNames } = props;
  const [state, setState] = useState<ActionState>({});
  const [pending, startTransition] = useTransition();
  const answered = (next: ActionState) => {
    setState(next);
    props.onAnswer(next);
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = new FormData(event.currentTarget);
    startTransition(async () => {
      const asked = await props.options({}, new FormData());
      if (!asked.passkeyOptions) return answered(asked);
      const signed = await signWithPasskey(asked.passkeyOptions);
      if (!signed.ok) return answered({ ok: false, error: signed.error });
      const form = new FormData();
      for (const name of ["trustDevice", "timeZone"]) {
        const value = fields.get(name);
        if (typeof value === "string") form.set(name, value);
      }
      form.set("method", "passkey");
      form.set("response", signed.response);
      answered(await props.verify({}, form));
    });
  };
  const error = state.lockedUntil ? undefined : (state.fieldErrors?.response ?? state.error);
  return (
    <form onSubmit={submit} noValidate>
      <TimeZoneField />
      <p className={slotClasses(classNames)("text", "mb-4")}>
        Use a passkey or security key you added to this account: your browser will ask for your fingerprint, face, screen lock or the key&apos;s PIN.
      </p>
      <FormMessage error={error} classNames={classNames} />
      <TrustDevice trustedFor={props.trustedFor} classNames={classNames} />
      <Button type="submit" pending={pending} disabled={pending} className={classNames?.button}>
        {pending ? "Waiting for your passkey…" : "Use passkey"}
      </Button>
    </form>
  );
}
