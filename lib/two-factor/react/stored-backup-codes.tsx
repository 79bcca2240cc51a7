"use client";

import { useActionState } from "react";
import { BackupCodes } from "./backup-codes";
import { Button } from "./button";
import { innerClassNames, slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import type { StepAction } from "./route-action";

/**
 * Setup's last step: the phone is verified, the backup codes are shown, and "Continue" (once the
 * member says they are stored) runs `finish`, whose confirmation replaces the step.
 */
export function StoredBackupCodes(props: {
  codes: string[];
  finish: StepAction;
  appName?: string;
  /** What was just set up. @default "Your phone number is verified." */
  done?: string;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}) {
  const { classNames } = props;
  const cx = slotClasses(classNames);
  const [state, finishAction, finishing] = useActionState(props.finish, {});
  useFollowRedirect(state.redirectTo, props.onNavigate);
  const storedError = state.fieldErrors?.stored;

  if (state.ok) {
    return (
      <p role="status" className={cx("status", "rounded-md border border-green-200 bg-green-50 p-4 text-green-900")}>
        {state.message}
      </p>
    );
  }
  return (
    <div className={classNames?.root}>
      <p role="status" className={cx("status", "mb-4 rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800")}>
        {props.done ?? "Your phone number is verified."}
      </p>
      <BackupCodes codes={props.codes} appName={props.appName} classNames={innerClassNames(classNames)} />
      <form action={finishAction} noValidate>
        <FormMessage id="stored-error" error={state.error ?? storedError} classNames={classNames} />
        <div className="mb-4 flex items-start gap-3">
          <input
            id="stored"
            name="stored"
            type="checkbox"
            required
            aria-invalid={storedError ? true : undefined}
            aria-describedby={storedError ? "stored-error" : undefined}
            className={cx("checkbox", "mt-1 h-4 w-4")}
          />
          <label htmlFor="stored" className={classNames?.label}>
            I have stored my backup codes in a safe place
          </label>
        </div>
        <Button type="submit" pending={finishing} disabled={finishing} className={classNames?.button}>
          {finishing ? "Finishing…" : "Continue"}
        </Button>
      </form>
    </div>
  );
}
