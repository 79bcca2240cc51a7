"use client";

import { useActionState } from "react";
import { slotClasses, type ClassNames, type TwoFactorSlot } from "./class-names";
import { FormMessage } from "./form-message";
import { useFollowRedirect, type Navigate } from "./navigation";
import type { StepAction } from "./route-action";

/** A method the Security page lists (the core's `PreferredSecondFactor`). */
export type SecurityMethod = "passkey" | "authenticator" | "sms";

/** Each method's name in "Make … preferred". */
export const SECURITY_METHOD_NAMES: Record<SecurityMethod, string> = {
  passkey: "passkeys",
  authenticator: "the authenticator app",
  sms: "SMS",
};

/**
 * Beside a method the member has: "Preferred" (sign-in opens with it), or a "Make preferred"
 * button whose accessible name says which method. The answer's error is an alert here; success
 * goes back to the Security page, whose status says what changed.
 */
export function PreferredMethod(props: {
  method: SecurityMethod;
  preferred: boolean;
  action: StepAction;
  onNavigate?: Navigate;
  classNames?: ClassNames<TwoFactorSlot>;
}) {
  const cx = slotClasses(props.classNames);
  const [state, action, pending] = useActionState(props.action, {});
  useFollowRedirect(state.redirectTo, props.onNavigate);
  if (props.preferred) {
    return (
      <span data-testid={`preferred-${props.method}`} className={cx("text", "rounded-full bg-green-100 px-2 py-0.5 text-sm font-medium text-green-900")}>
        Preferred
      </span>
    );
  }
  return (
    <form action={action} className="inline">
      <FormMessage error={state.error ?? state.fieldErrors?.method} classNames={props.classNames} />
      <input type="hidden" name="method" value={props.method} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`Make ${SECURITY_METHOD_NAMES[props.method]} preferred`}
        className={cx("secondaryButton", "rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100")}
      >
        {pending ? "Saving…" : "Make preferred"}
      </button>
    </form>
  );
}
