"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { ActionState } from "../action-state";
import { AuthenticatorSetup } from "./authenticator-setup";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import { RemoveMethod } from "./remove-method";
import type { StepAction } from "./route-action";

const SECONDARY = "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100";

/** The authenticator app's actions that resume after "Confirm it's you". */
export type AuthenticatorIntent = "authenticator-setup" | "authenticator-remove";

export interface AuthenticatorAppProps {
  /** The member's confirmed app (ISO times), or null. */
  app: { addedAt: string; lastUsedAt: string | null } | null;
  /** Back from "Confirm it's you": the action asked for, its button focused (the removal's question open). */
  resume: AuthenticatorIntent | null;
  begin: StepAction;
  confirm: StepAction;
  remove: StepAction;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** The Security page's "Authenticator app": set one up (QR code, key, a code to confirm), or see it and remove it. */
export function AuthenticatorApp(props: AuthenticatorAppProps) {
  const { app, classNames } = props;
  const cx = slotClasses(classNames);
  const [beginState, begin, beginning] = useActionState(props.begin, {});
  const [confirmState, confirm, confirming] = useActionState(props.confirm, {});
  const [removeState, remove, removing] = useActionState(props.remove, {});
  useFollowRedirect(beginState.redirectTo ?? confirmState.redirectTo ?? removeState.redirectTo, props.onNavigate);
  // A new setup makes the answers about the one before stale (state adjusted while rendering, as
  // React advises for state derived from a change).
  const [staleConfirm, setStaleConfirm] = useState<ActionState | null>(null);
  const [seenBegin, setSeenBegin] = useState(beginState);
  if (beginState !== seenBegin) {
    setSeenBegin(beginState);
    setStaleConfirm(confirmState);
  }
  const confirmShown = confirmState === staleConfirm ? {} : confirmState;
  const startButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (props.resume === "authenticator-setup") startButton.current?.focus();
  }, [props.resume]);

  if (app) {
    return (
      <div className={classNames?.root}>
        <FormMessage error={removeState.error} classNames={classNames} />
        <dl className="mb-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
          <dt className="font-medium text-slate-600">Added</dt>
          <dd data-testid="authenticator-added">{when(app.addedAt)}</dd>
          <dt className="font-medium text-slate-600">Last used</dt>
          <dd data-testid="authenticator-last-used">{app.lastUsedAt ? when(app.lastUsedAt) : "Never"}</dd>
        </dl>
        <RemoveMethod
          id="remove-authenticator-question"
          question="Remove your authenticator app? Its codes will stop working, and you will verify with your other method."
          confirmLabel="Remove authenticator app"
          removeLabel="Remove authenticator app"
          action={remove}
          pending={removing}
          open={props.resume === "authenticator-remove"}
          classNames={classNames}
        />
      </div>
    );
  }
  // A void setup (its tries used up, expired) shows its message with "Set up authenticator app" again.
  const setup = confirmShown.error ? undefined : beginState.authenticator;
  return (
    <div className={classNames?.root}>
      <FormMessage error={beginState.error ?? confirmShown.error} classNames={classNames} />
      {setup ? (
        <AuthenticatorSetup setup={setup} confirm={confirm} state={confirmShown} pending={confirming} classNames={classNames} />
      ) : (
        <>
          <p className={cx("text", "mb-3 text-slate-700")}>
            Use a code from an authenticator app on your phone instead of a texted one. It works without a phone signal.
          </p>
          <form action={begin}>
            <button ref={startButton} type="submit" disabled={beginning} className={cx("secondaryButton", SECONDARY)}>
              {beginning ? "Starting…" : "Set up authenticator app"}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
