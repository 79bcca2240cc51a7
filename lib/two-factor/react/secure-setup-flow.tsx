"use client";

import { useActionState } from "react";
import { AuthenticatorSetup } from "./authenticator-setup";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import type { StepAction } from "./route-action";
import { StoredBackupCodes } from "./stored-backup-codes";

export interface SecureSetupFlowProps {
  /** The stage's steps: a new app setup, its code, and "Continue" once new backup codes are stored. */
  begin: StepAction;
  confirm: StepAction;
  finish: StepAction;
  appName?: string;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

/**
 * The sign-in's secure_setup stage (issue 18): "Set up authenticator app", then the QR code, the
 * key as text and the app's code; then the backup codes when new ones were made, else the session.
 */
export function SecureSetupFlow(props: SecureSetupFlowProps) {
  const { classNames } = props;
  const cx = slotClasses(classNames);
  const [beginState, begin, beginning] = useActionState(props.begin, {});
  const [confirmState, confirm, confirming] = useActionState(props.confirm, {});
  useFollowRedirect(beginState.redirectTo ?? confirmState.redirectTo, props.onNavigate);
  if (confirmState.ok && confirmState.backupCodes?.length) {
    return <StoredBackupCodes codes={confirmState.backupCodes} finish={props.finish} appName={props.appName} done="Your authenticator app is set up." onNavigate={props.onNavigate} classNames={classNames} />;
  }
  if (confirmState.ok) {
    return (
      <p role="status" className={cx("status", "rounded-md border border-green-200 bg-green-50 p-4 text-green-900")}>
        Your authenticator app is set up. Signing you in…
      </p>
    );
  }
  // A void setup (its tries used up, expired) shows its message with the start button again.
  const setup = confirmState.error ? undefined : beginState.authenticator;
  return (
    <div className={classNames?.root}>
      <FormMessage error={beginState.error ?? confirmState.error} classNames={classNames} />
      {setup ? (
        <AuthenticatorSetup setup={setup} confirm={confirm} state={confirmState} pending={confirming} classNames={classNames} />
      ) : (
        <form action={begin}>
          <button type="submit" disabled={beginning} className={cx("button", "rounded-md bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60")}>
            {beginning ? "Starting…" : "Set up authenticator app"}
          </button>
        </form>
      )}
    </div>
  );
}
