"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Button, FormMessage } from "@/components/ui";
import { saveAllowedMethodsAction } from "./actions";
import { GraceDeadlineFields } from "./grace-deadline-fields";

/** A change of the allowed methods that asked "Confirm it's you" first: shown again, ready to Save. */
export type ResumedAllowedMethods = { allowed: "any" | "secure"; graceDays: number | null };

/**
 * "Allowed methods", beside the requirement (issue 18): any method, or secure methods only, with a
 * grace period for members who have only SMS. Saving always asks "Confirm it's you" first when the
 * admin's second factor is not recent.
 */
export function AllowedMethodsForm(props: {
  allowed: "any" | "secure";
  /** The SMS grace still running (the server's clock decides). */
  smsGrace: { until: string; daysLeft: number } | null;
  resumed?: ResumedAllowedMethods | null;
}) {
  const { resumed, smsGrace } = props;
  const [state, action, pending] = useActionState(saveAllowedMethodsAction, {});
  const [allowed, setAllowed] = useState(resumed ? resumed.allowed : props.allowed);
  const [deadline, setDeadline] = useState((resumed ? resumed.graceDays : smsGrace) ? "days" : "next_sign_in");
  const save = useRef<HTMLButtonElement>(null);
  const resuming = Boolean(resumed);
  useEffect(() => {
    if (resuming) save.current?.focus();
  }, [resuming]);
  return (
    <form action={action} noValidate aria-labelledby="allowed-methods-title" className="mt-8 border-t border-slate-200 pt-6">
      <FormMessage error={state.error} message={state.message} />
      {resumed && !state.ok && !state.error ? (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          You confirmed it&apos;s you. Check the allowed methods below and choose Update allowed methods to apply them.
        </p>
      ) : null}
      <fieldset className="mb-6">
        <legend id="allowed-methods-title" className="mb-1 text-lg font-medium">
          Allowed methods
        </legend>
        <p id="allowed-methods-hint" className="mb-3 text-sm text-slate-600">
          Which second steps members may sign in with. Changing this asks you to confirm it&apos;s you first.
        </p>
        <div className="flex items-start gap-2">
          <input id="allowed-any" type="radio" name="allowedMethods" value="any" checked={allowed === "any"} onChange={() => setAllowed("any")} className="mt-1" />
          <label htmlFor="allowed-any">Any method (SMS, authenticator app, passkey)</label>
        </div>
        <div className="flex items-start gap-2">
          <input id="allowed-secure" type="radio" name="allowedMethods" value="secure" checked={allowed === "secure"} onChange={() => setAllowed("secure")} className="mt-1" />
          <label htmlFor="allowed-secure">Secure methods only (authenticator app or passkey; SMS codes not accepted)</label>
        </div>
        {allowed === "secure" ? (
          <GraceDeadlineFields
            idPrefix="sms-deadline"
            deadlineName="smsDeadline"
            daysName="smsGraceDays"
            legend="When must members who have only SMS add a secure method?"
            daysLabel="Number of days members may still use SMS (1 to 30)"
            className="mt-4 ml-6"
            deadline={deadline}
            onDeadline={setDeadline}
            defaultDays={resumed?.graceDays ?? smsGrace?.daysLeft ?? 7}
            error={state.fieldErrors?.smsGraceDays}
            errorId="sms-grace-error"
          />
        ) : null}
        {state.fieldErrors?.allowedMethods ? <p className="text-sm text-red-700">{state.fieldErrors.allowedMethods}</p> : null}
      </fieldset>
      <Button ref={save} type="submit" pending={pending} disabled={pending}>
        {pending ? "Updating…" : "Update allowed methods"}
      </Button>
    </form>
  );
}
