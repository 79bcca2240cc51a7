"use client";

import { useActionState } from "react";
import { Button, FormMessage } from "@/components/ui";
import { saveAccountSettingsAction } from "./actions";

export function SettingsForm({ requireTwoFactor }: { requireTwoFactor: boolean }) {
  const [state, action, pending] = useActionState(saveAccountSettingsAction, {});
  return (
    <form action={action}>
      <FormMessage error={state.error} message={state.message} />
      <fieldset className="mb-6">
        <legend className="mb-2 text-lg font-medium">Security</legend>
        <div className="flex items-start gap-3">
          <input
            id="requireTwoFactor"
            name="requireTwoFactor"
            type="checkbox"
            defaultChecked={requireTwoFactor}
            aria-describedby="requireTwoFactor-hint"
            className="mt-1 h-4 w-4"
          />
          <div>
            <label htmlFor="requireTwoFactor" className="font-medium">
              Require two-factor authentication for all members
            </label>
            <p id="requireTwoFactor-hint" className="text-sm text-slate-600">
              Once enabled, all admins and members will be required to set up two-factor authentication the next time
              they sign in.
            </p>
          </div>
        </div>
      </fieldset>
      <Button type="submit" pending={pending} disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
