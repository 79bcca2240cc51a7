import { headers } from "next/headers";
import type { z } from "zod";
import { reportDatabaseFailure } from "./db/outage";
import { databaseUnavailable, noteRefusedRequest } from "./db/outage-flag";
import { ERROR_MESSAGES } from "./errors";
import { requestInfoFromHeaders, type RequestInfo } from "./http/client-ip";
import type { ActionState } from "./two-factor/action-state";

export type { ActionState };


/** What a validated action's body is handed beside the parsed data. */
export interface ActionContext {
  request: RequestInfo;
  formData: FormData;
}

export type FormValidation<T> = { ok: true; data: T; values: Record<string, string> } | { ok: false; state: ActionState };

/** Parses a submitted form with zod: the data, or the field messages to show (bad input changes nothing). */
export function validateForm<S extends z.ZodType>(schema: S, formData: FormData, echo: string[] = []): FormValidation<z.infer<S>> {
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

/**
 * Wraps a server action: parse the form with zod first and answer bad input with field
 * messages, changing nothing; only valid input reaches `act`. A database failure (or the
 * breaker open, lib/db/outage.ts) is answered in the form with the "temporarily unavailable"
 * sentence and said once through the one place; any other error, Next.js's redirect and
 * notFound/forbidden interrupts included, goes on as thrown.
 */
export function validatedAction<S extends z.ZodType>(
  schema: S,
  act: (data: z.infer<S>, context: ActionContext) => Promise<ActionState>,
  options: { echo?: string[] } = {},
) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> => {
    const form = validateForm(schema, formData, options.echo);
    if (!form.ok) return form.state;
    if (databaseUnavailable()) {
      noteRefusedRequest();
      return { ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE, values: form.values };
    }
    const request = requestInfoFromHeaders(await headers());
    try {
      const result = await act(form.data, { request, formData });
      return { values: form.values, ...result };
    } catch (error) {
      if (!reportDatabaseFailure(error)) throw error;
      return { ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE, values: form.values };
    }
  };
}

export async function currentRequestInfo(): Promise<RequestInfo> {
  return requestInfoFromHeaders(await headers());
}
