import { headers } from "next/headers";
import type { z } from "zod";
import { reportDatabaseFailure } from "./db/outage";
import { databaseUnavailable, noteRefusedRequest } from "./db/outage-flag";
import { ERROR_MESSAGES } from "./errors";
import { requestInfoFromHeaders, type RequestInfo } from "./http/client-ip";
import type { ActionState } from "./two-factor/action-state";
import { validateForm } from "./two-factor/steps/form";

export type { ActionState };
// One parser for the plugin's steps and the portal's own forms.
export { validateForm, type FormValidation } from "./two-factor/steps/form";

/** What a validated action's body is handed beside the parsed data. */
export interface ActionContext {
  request: RequestInfo;
  formData: FormData;
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
