"use client";

import { useRef, useState, useTransition, type FormEvent } from "react";
import type { ActionState } from "../action-state";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { Field } from "./field";
import { FormMessage } from "./form-message";
import { createPasskey } from "./passkey-ceremony";
import type { StepAction } from "./route-action";

const SECONDARY = "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100";

/**
 * "Add a passkey": a name, then the browser makes the passkey (security/passkey-options, then
 * security/passkey-add with its answer). Needs JavaScript, as WebAuthn does. `onAnswer`: each
 * step's answer, for the page to follow a redirect (done, or "Confirm it's you" first).
 */
export function AddPasskey(props: { options: StepAction; add: StepAction; autoFocus?: boolean; onAnswer(state: ActionState): void; classNames?: ClassNames<TwoFactorSlot> }) {
  const cx = slotClasses(props.classNames);
  const [state, setState] = useState<ActionState>({});
  const [pending, startTransition] = useTransition();
  const nameInput = useRef<HTMLInputElement>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "");
    startTransition(async () => {
      const asked = await props.options({}, new FormData());
      if (!asked.passkeyOptions) {
        setState(asked);
        props.onAnswer(asked);
        return;
      }
      const made = await createPasskey(asked.passkeyOptions);
      if (!made.ok) {
        setState({ ok: false, error: made.error, values: { name } });
        return;
      }
      const form = new FormData();
      form.set("name", name);
      form.set("response", made.response);
      const added = await props.add({}, form);
      setState(added);
      props.onAnswer(added);
      if (added.fieldErrors?.name) nameInput.current?.focus();
    });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-passkey-title" className="mt-4">
      <h3 id="add-passkey-title" className={cx("text", "mb-2 font-medium")}>
        Add a passkey
      </h3>
      <FormMessage error={state.ok ? undefined : state.error} classNames={props.classNames} />
      <Field
        ref={nameInput}
        label="Name"
        name="name"
        hint="So you can tell your passkeys apart, like “Work laptop” or “Blue security key”."
        maxLength={60}
        required
        autoFocus={props.autoFocus}
        defaultValue={state.values?.name}
        error={state.fieldErrors?.name}
        classNames={props.classNames}
      />
      <button type="submit" disabled={pending} className={cx("secondaryButton", SECONDARY)}>
        {pending ? "Waiting for your passkey…" : "Add a passkey"}
      </button>
    </form>
  );
}
