"use client";

import { useActionState } from "react";
import { slotClasses, type ClassNames } from "./class-names";
import { useFollowRedirect, type Navigate } from "./navigation";
import type { StepAction } from "./route-action";

/** "Cancel and go back to sign in": ends the pending sign-in (`cancel`) and follows its `redirectTo`. */
export function CancelSignIn(props: { cancel: StepAction; onNavigate?: Navigate; classNames?: ClassNames<"root" | "link" | "error"> }) {
  const cx = slotClasses(props.classNames);
  const [state, cancel, cancelling] = useActionState(props.cancel, {});
  useFollowRedirect(state.redirectTo, props.onNavigate);
  return (
    <form action={cancel} className={cx("root", "mt-6 border-t border-slate-200 pt-4")}>
      <button type="submit" disabled={cancelling} className={cx("link", "text-sm text-slate-600 underline hover:text-slate-900")}>
        Cancel and go back to sign in
      </button>
      {state.error ? <p role="alert" className={cx("error", "mt-2 text-sm text-red-700")}>{state.error}</p> : null}
    </form>
  );
}
