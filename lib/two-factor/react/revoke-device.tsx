"use client";

import { useActionState } from "react";
import { slotClasses, type ClassNames } from "./class-names";
import { useFollowRedirect, type Navigate } from "./navigation";
import type { StepAction } from "./route-action";

/** A trusted device's "Revoke" button (its accessible name says which device), posting `deviceId`. */
export function RevokeDevice(props: {
  deviceId: string;
  label: string;
  revoke: StepAction;
  onNavigate?: Navigate;
  classNames?: ClassNames<"secondaryButton" | "error">;
}) {
  const cx = slotClasses(props.classNames);
  const [state, revoke, revoking] = useActionState(props.revoke, {});
  useFollowRedirect(state.redirectTo, props.onNavigate);
  return (
    <form action={revoke}>
      <input type="hidden" name="deviceId" value={props.deviceId} />
      <button
        type="submit"
        disabled={revoking}
        aria-label={props.label}
        className={cx("secondaryButton", "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100")}
      >
        Revoke
      </button>
      {state.error ? <span role="alert" className={cx("error", "ml-2 text-xs text-red-700")}>{state.error}</span> : null}
    </form>
  );
}
