"use client";

import Link from "next/link";
import { useActionState, useEffect, useRef, useState } from "react";
import { Button, FormMessage } from "@/components/ui";
import { saveAccountSettingsAction } from "./actions";
import { GraceDeadlineFields } from "./grace-deadline-fields";

/** A change of the requirement that asked "Confirm it's you" first: shown again, ready to Save. */
export type ResumedRequirement = { required: boolean; graceDays: number | null };

export function SettingsForm(props: {
  requireTwoFactor: boolean;
  /** The grace period still running (the server's clock decides; an ended one is not offered again). */
  grace: { until: string; daysLeft: number } | null;
  ownSecondFactor: boolean;
  resumed?: ResumedRequirement | null;
}) {
  const { resumed } = props;
  const requireTwoFactor = resumed ? resumed.required : props.requireTwoFactor;
  const { grace } = props;
  const [state, action, pending] = useActionState(saveAccountSettingsAction, {});
  const [required, setRequired] = useState(requireTwoFactor);
  const [deadline, setDeadline] = useState((resumed ? resumed.graceDays : grace) ? "days" : "next_sign_in");
  const save = useRef<HTMLButtonElement>(null);
  const resuming = Boolean(resumed);
  useEffect(() => {
    if (resuming) save.current?.focus();
  }, [resuming]);
  return (
    <form action={action} noValidate>
      {state.ok && required && !props.ownSecondFactor ? (
        // The article's behaviour stays (the saver sets it up at their next sign-in); it is said plainly.
        <p role="status" className="mb-4 rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800">
          {state.message} You have not set up two-step authentication yourself: you will be asked to at your next sign-in.{" "}
          <Link href="/security" className="font-medium underline">
            Set up now
          </Link>
        </p>
      ) : (
        <FormMessage error={state.error} message={state.message} />
      )}
      {resumed && !state.ok && !state.error ? (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          You confirmed it&apos;s you. Check the change below and Save to apply it.
        </p>
      ) : null}
      <fieldset className="mb-6">
        <legend className="mb-2 text-lg font-medium">Security</legend>
        <div className="flex items-start gap-3">
          <input
            id="requireTwoFactor"
            name="requireTwoFactor"
            type="checkbox"
            defaultChecked={requireTwoFactor}
            onChange={(event) => setRequired(event.target.checked)}
            aria-describedby="requireTwoFactor-hint"
            className="mt-1 h-4 w-4"
          />
          <div>
            <label htmlFor="requireTwoFactor" className="font-medium">
              Require two-factor authentication for all members
            </label>
            <p id="requireTwoFactor-hint" className="text-sm text-slate-600">
              Once enabled, all admins and members will be required to set up two-factor authentication the next time
              they sign in. Lifting it, or giving members more time, asks you to confirm it&apos;s you first.
            </p>
          </div>
        </div>
        {required ? (
          <GraceDeadlineFields
            idPrefix="deadline"
            deadlineName="deadline"
            daysName="graceDays"
            legend="When must members set it up?"
            daysLabel="Number of days (1 to 30)"
            className="mt-4 ml-7"
            deadline={deadline}
            onDeadline={setDeadline}
            defaultDays={resumed?.graceDays ?? grace?.daysLeft ?? 7}
            error={state.fieldErrors?.graceDays}
          />
        ) : null}
      </fieldset>
      <Button ref={save} type="submit" pending={pending} disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
