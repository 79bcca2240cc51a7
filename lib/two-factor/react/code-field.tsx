import type { ComponentProps } from "react";
import { Field } from "./field";

/** The "Verification code" field: the browser may autofill it from the SMS; numeric keypad on phones. */
export function CodeField({ error, ...props }: { error?: string } & Omit<ComponentProps<typeof Field>, "label" | "name">) {
  return (
    <Field
      label="Verification code"
      name="code"
      autoComplete="one-time-code"
      inputMode="numeric"
      pattern="[0-9]*"
      maxLength={6}
      required
      error={error}
      {...props}
    />
  );
}
