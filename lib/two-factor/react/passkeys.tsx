"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import type { ActionState } from "../action-state";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import { AddPasskey } from "./passkey-add";
import type { StepAction } from "./route-action";

const SECONDARY = "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100";

/** The passkey actions that resume after "Confirm it's you". */
export type PasskeyIntent = "passkey-add" | "passkey-remove";

export interface PasskeyRow {
  id: string;
  name: string;
  /** ISO times. */
  addedAt: string;
  lastUsedAt: string | null;
}

export interface PasskeysProps {
  passkeys: PasskeyRow[];
  /** Back from "Confirm it's you": the action asked for (the name field focused to add one again). */
  resume: PasskeyIntent | null;
  /** The steps: security/passkey-options, security/passkey-add, security/passkey-remove (posted with JavaScript). */
  options: StepAction;
  add: StepAction;
  remove: StepAction;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** The Security page's "Passkeys and security keys": each with its name, when added and last used, "Remove"; and "Add a passkey". */
export function Passkeys(props: PasskeysProps) {
  const cx = slotClasses(props.classNames);
  const [answer, setAnswer] = useState<ActionState>({});
  useFollowRedirect(answer.redirectTo, props.onNavigate);
  return (
    <div className={props.classNames?.root}>
      <p className={cx("text", "mb-3 text-slate-700")}>
        Sign in with your fingerprint, face, screen lock or a security key instead of a code. A passkey works only on this site, so it cannot be phished.
      </p>
      {props.passkeys.length > 0 ? (
        <ul aria-label="Your passkeys" className="mb-4 flex flex-col gap-3">
          {props.passkeys.map((passkey) => (
            <li key={passkey.id} data-testid="passkey" className="rounded-md border border-slate-200 p-3">
              <p className="font-medium">{passkey.name}</p>
              <p className={cx("text", "mb-2 text-sm text-slate-600")}>
                Added {when(passkey.addedAt)} · {passkey.lastUsedAt ? `Last used ${when(passkey.lastUsedAt)}` : "Never used"}
              </p>
              <RemovePasskey passkey={passkey} remove={props.remove} onAnswer={setAnswer} classNames={props.classNames} />
            </li>
          ))}
        </ul>
      ) : (
        <p className={cx("text", "mb-4 text-sm text-slate-600")}>You have no passkeys yet.</p>
      )}
      <AddPasskey options={props.options} add={props.add} autoFocus={props.resume === "passkey-add"} onAnswer={setAnswer} classNames={props.classNames} />
    </div>
  );
}

/** "Remove", asked once more in the page (a question with its own buttons, focus moved to it and back). */
function RemovePasskey(props: { passkey: PasskeyRow; remove: StepAction; onAnswer(state: ActionState): void; classNames?: ClassNames<TwoFactorSlot> }) {
  const cx = slotClasses(props.classNames);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  const [focusRemove, setFocusRemove] = useState(false);
  useEffect(() => {
    if (asking) confirmButton.current?.focus();
    else if (focusRemove) removeButton.current?.focus();
  }, [asking, focusRemove]);
  const secondary = cx("secondaryButton", SECONDARY);
  const questionId = `remove-passkey-${props.passkey.id}`;
  if (!asking) {
    return (
      <button ref={removeButton} type="button" onClick={() => setAsking(true)} aria-label={`Remove ${props.passkey.name}`} className={secondary}>
        Remove
      </button>
    );
  }
  const confirm = () =>
    startTransition(async () => {
      const form = new FormData();
      form.set("passkeyId", props.passkey.id);
      const done = await props.remove({}, form);
      setError(done.ok ? undefined : done.error);
      props.onAnswer(done);
    });
  return (
    <div role="group" aria-labelledby={questionId} className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <FormMessage error={error} classNames={props.classNames} />
      <p id={questionId} className={cx("text", "mb-3 font-medium")}>
        Remove “{props.passkey.name}”? It will no longer sign you in.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <button ref={confirmButton} type="button" onClick={confirm} disabled={pending} className={secondary}>
          {pending ? "Removing…" : "Remove passkey"}
        </button>
        <button
          type="button"
          onClick={() => {
            setAsking(false);
            setFocusRemove(true);
          }}
          className={cx("link", "underline")}
        >
          Cancel
        </button>
      </div>
    </div>
  );
}
