import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { applyCookies } from "./auth/cookies";
import { reportDatabaseFailure } from "./db/outage";
import { databaseUnavailable, noteRefusedRequest } from "./db/outage-flag";
import { ERROR_MESSAGES } from "./errors";
import { requestInfoFromHeaders } from "./http/client-ip";
import { portalTwoFactor } from "./server";
import type { ActionState } from "./two-factor/action-state";
import type { StepAnswer, TwoFactorStepName } from "./two-factor";

/**
 * Runs one of the plugin's steps for a server action (the same forms without JavaScript): the
 * step the route handler runs, its cookies applied here and its redirect followed. A database
 * failure (or the breaker open, lib/db/outage.ts) is answered in the form, said once.
 */
export async function runPortalStep(step: TwoFactorStepName, form: FormData): Promise<StepAnswer> {
  const requestHeaders = await headers();
  const done = await portalTwoFactor().runStep(step, {
    form,
    cookies: await cookies(),
    request: requestInfoFromHeaders(requestHeaders),
    requestHost: requestHeaders.get("host"),
  });
  await applyCookies(done.cookies);
  return done;
}

/**
 * A server action that is one plugin step: `fields` are set on the submitted form first (a form
 * that posts to one method's action says which, as the route handler's caller does); `succeeded`
 * runs after a step that answered ok (a page to revalidate).
 */
export function stepAction(step: TwoFactorStepName, options: { fields?: Record<string, string>; succeeded?: () => void } = {}) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> => {
    // An action's arguments are whatever the request encoded: not always the form data it declares.
    if (!(formData instanceof FormData)) return { ok: false, error: ERROR_MESSAGES.INVALID_INPUT };
    if (databaseUnavailable()) {
      noteRefusedRequest();
      return { ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE };
    }
    for (const [name, value] of Object.entries(options.fields ?? {})) formData.set(name, value);
    let done: StepAnswer;
    try {
      done = await runPortalStep(step, formData);
    } catch (error) {
      if (!reportDatabaseFailure(error)) throw error;
      return { ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE };
    }
    if (done.state.ok) options.succeeded?.();
    if (done.redirectTo) redirect(done.redirectTo);
    return done.state;
  };
}
