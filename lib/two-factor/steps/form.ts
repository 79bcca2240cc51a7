import type { z } from "zod";
import { ERROR_MESSAGES } from "../../errors";
import type { ActionState } from "../action-state";

export type FormValidation<T> = { ok: true; data: T; values: Record<string, string> } | { ok: false; state: ActionState };

/**
 * Parses a submitted form with zod: the data, or the field messages to show (bad input changes
 * nothing). `echo`: non-secret fields given back either way, so a failed submission loses nothing typed.
 */
export function validateForm<S extends z.ZodType>(schema: S, formData: FormData, echo: readonly string[] = []): FormValidation<z.infer<S>> {
  // An action's arguments are whatever the request encoded: not always the form data it declares.
  if (!(formData instanceof FormData)) return { ok: false, state: { ok: false, error: ERROR_MESSAGES.INVALID_INPUT } };
  const values = Object.fromEntries(echo.map((name) => [name, String(formData.get(name) ?? "").slice(0, 256)]));
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "form");
    fieldErrors[key] ??= issue.message;
  }
  return { ok: false, state: { ok: false, error: ERROR_MESSAGES.INVALID_INPUT, fieldErrors, values } };
}
