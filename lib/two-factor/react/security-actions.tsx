"use client";

import { useActionState, useEffect, useRef } from "react";
import { BackupCodes } from "./backup-codes";
import { innerClassNames, slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import type { StepAction } from "./route-action";

const SECONDARY = "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100";

/** The Security page's actions that ask "Confirm it's you" first, and resume after it. */
export type SecurityIntent = "new-backup-codes" | "turn-off";

const QUESTIONS: Record<SecurityIntent, string> = {
  "new-backup-codes": "Create new backup codes? Your current backup codes will stop working.",
  "turn-off": "Turn off two-step authentication for your account?",
};

export interface SecurityActionsProps {
  canTurnOff: boolean;
  /** Back from "Confirm it's you": the action asked for, shown ready to confirm. */
  resume: SecurityIntent | null;
  regenerateBackupCodes: StepAction;
  turnOff: StepAction;
  /** The resumed question's "Cancel" link (the Security page itself). */
  cancelHref: string;
  appName?: string;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}

/** "Create new backup codes" and "Turn off two-step authentication", each asked once more before it runs. */
export function SecurityActions(props: SecurityActionsProps) {
  const { canTurnOff, resume, classNames } = props;
  const cx = slotClasses(classNames);
  const [codesState, regenerate, regenerating] = useActionState(props.regenerateBackupCodes, {});
  const [offState, turnOff, turningOff] = useActionState(props.turnOff, {});
  useFollowRedirect(codesState.redirectTo ?? offState.redirectTo, props.onNavigate);
  const step = resume === "turn-off" && !canTurnOff ? null : resume;
  const secondary = cx("secondaryButton", SECONDARY);
  return (
    <div className={classNames?.root}>
      <FormMessage error={codesState.error ?? offState.error} message={codesState.message} classNames={classNames} />
      {codesState.backupCodes ? <BackupCodes codes={codesState.backupCodes} appName={props.appName} classNames={innerClassNames(classNames)} /> : null}
      {step && !codesState.backupCodes && !offState.error ? (
        <ResumedStep
          question={QUESTIONS[step]}
          action={step === "new-backup-codes" ? regenerate : turnOff}
          pending={step === "new-backup-codes" ? regenerating : turningOff}
          label={step === "new-backup-codes" ? "Create new backup codes" : "Turn off two-step authentication"}
          cancelHref={props.cancelHref}
          classNames={classNames}
        />
      ) : (
        <div className="flex flex-wrap gap-3">
          <form
            action={regenerate}
            onSubmit={(event) => {
              if (!window.confirm(QUESTIONS["new-backup-codes"])) event.preventDefault();
            }}
          >
            <button type="submit" disabled={regenerating} className={secondary}>
              {regenerating ? "Creating…" : "Create new backup codes"}
            </button>
          </form>
          {canTurnOff ? (
            <form
              action={turnOff}
              onSubmit={(event) => {
                if (!window.confirm(QUESTIONS["turn-off"])) event.preventDefault();
              }}
            >
              <button type="submit" disabled={turningOff} className={secondary}>
                Turn off two-step authentication
              </button>
            </form>
          ) : null}
        </div>
      )}
    </div>
  );
}

/** Back from "Confirm it's you": the action asked for, its question open and its button focused. */
function ResumedStep(props: {
  question: string;
  action: (formData: FormData) => void;
  pending: boolean;
  label: string;
  cancelHref: string;
  classNames?: ClassNames<TwoFactorSlot>;
}) {
  const cx = slotClasses(props.classNames);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <form action={props.action} aria-labelledby="resumed-question" className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <p id="resumed-question" className={cx("text", "mb-3 font-medium")}>
        {props.question}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <button ref={button} type="submit" disabled={props.pending} className={cx("secondaryButton", SECONDARY)}>
          {props.label}
        </button>
        <a href={props.cancelHref} className={cx("link", "underline")}>
          Cancel
        </a>
      </div>
    </form>
  );
}
