"use client";

import Link from "next/link";
import { useActionState, useEffect, useRef } from "react";
import { BackupCodes } from "@/components/two-factor/backup-codes";
import { FormMessage } from "@/components/ui";
import { regenerateBackupCodesAction, revokeDeviceAction, turnOffTwoFactorAction } from "./actions";

const secondary = "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100";

/** The Security page's actions that ask "Confirm it's you" first, and resume after it. */
export type SecurityIntent = "new-backup-codes" | "turn-off";

const QUESTIONS: Record<SecurityIntent, string> = {
  "new-backup-codes": "Create new backup codes? Your current backup codes will stop working.",
  "turn-off": "Turn off two-step authentication for your account?",
};

export function SecurityActions({ canTurnOff, resume }: { canTurnOff: boolean; resume: SecurityIntent | null }) {
  const [codesState, regenerate, regenerating] = useActionState(regenerateBackupCodesAction, {});
  const [offState, turnOff, turningOff] = useActionState(turnOffTwoFactorAction, {});
  const step = resume === "turn-off" && !canTurnOff ? null : resume;
  return (
    <div>
      <FormMessage error={codesState.error ?? offState.error} message={codesState.message} />
      {codesState.backupCodes ? <BackupCodes codes={codesState.backupCodes} /> : null}
      {step && !codesState.backupCodes && !offState.error ? (
        <ResumedStep
          question={QUESTIONS[step]}
          action={step === "new-backup-codes" ? regenerate : turnOff}
          pending={step === "new-backup-codes" ? regenerating : turningOff}
          label={step === "new-backup-codes" ? "Create new backup codes" : "Turn off two-step authentication"}
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
function ResumedStep(props: { question: string; action: (formData: FormData) => void; pending: boolean; label: string }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <form action={props.action} aria-labelledby="resumed-question" className="rounded-md border border-amber-300 bg-amber-50 p-4">
      <p id="resumed-question" className="mb-3 font-medium">
        {props.question}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <button ref={button} type="submit" disabled={props.pending} className={secondary}>
          {props.label}
        </button>
        <Link href="/security" className="underline">
          Cancel
        </Link>
      </div>
    </form>
  );
}

export function RevokeDevice({ deviceId, label }: { deviceId: string; label: string }) {
  const [state, revoke, revoking] = useActionState(revokeDeviceAction, {});
  return (
    <form action={revoke}>
      <input type="hidden" name="deviceId" value={deviceId} />
      <button type="submit" disabled={revoking} aria-label={label} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100">
        Revoke
      </button>
      {state.error ? <span role="alert" className="ml-2 text-xs text-red-700">{state.error}</span> : null}
    </form>
  );
}
