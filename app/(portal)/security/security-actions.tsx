"use client";

import { useActionState } from "react";
import { BackupCodes } from "@/components/two-factor/backup-codes";
import { FormMessage } from "@/components/ui";
import { regenerateBackupCodesAction, revokeDeviceAction, turnOffTwoFactorAction } from "./actions";

const secondary = "rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100";

export function SecurityActions({ canTurnOff }: { canTurnOff: boolean }) {
  const [codesState, regenerate, regenerating] = useActionState(regenerateBackupCodesAction, {});
  const [offState, turnOff, turningOff] = useActionState(turnOffTwoFactorAction, {});
  return (
    <div>
      <FormMessage error={codesState.error ?? offState.error} message={codesState.message} />
      {codesState.backupCodes ? <BackupCodes codes={codesState.backupCodes} /> : null}
      <div className="flex flex-wrap gap-3">
        <form
          action={regenerate}
          onSubmit={(event) => {
            if (!window.confirm("Create new backup codes? Your current backup codes will stop working.")) event.preventDefault();
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
              if (!window.confirm("Turn off two-step authentication for your account?")) event.preventDefault();
            }}
          >
            <button type="submit" disabled={turningOff} className={secondary}>
              Turn off two-step authentication
            </button>
          </form>
        ) : null}
      </div>
    </div>
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
