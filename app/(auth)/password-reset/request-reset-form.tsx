"use client";

import { useActionState } from "react";
import { Button, Field, FormMessage } from "@/components/ui";
import { requestResetAction } from "./actions";

export function RequestResetForm() {
  const [state, action, pending] = useActionState(requestResetAction, {});
  return (
    <form action={action} noValidate>
      <FormMessage error={state.error} message={state.message} />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Button type="submit" pending={pending} disabled={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </Button>
    </form>
  );
}
