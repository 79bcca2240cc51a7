import type { ActionState } from "../action-state";

/** A form step as `useActionState` takes it: a server action, or `twoFactorRouteAction`'s answer. */
export type StepAction = (previous: ActionState, formData: FormData) => Promise<ActionState>;

/** The steps the plugin's route handler answers, each at `${mountPath}/${step}`. */
export type TwoFactorStep =
  | "challenge/verify"
  | "challenge/resend"
  | "challenge/passkey-options"
  | "setup/send"
  | "setup/verify"
  | "setup/finish"
  | "secure-setup/begin"
  | "secure-setup/confirm"
  | "secure-setup/finish"
  | "sign-in/cancel"
  | "confirm/send"
  | "confirm/verify"
  | "confirm/passkey-options"
  | "security/passkey-options"
  | "security/passkey-add"
  | "security/passkey-rename"
  | "security/passkey-remove";

/** What the member is told when no step answer arrives. */
export interface TransportMessages {
  /** The request could not be made (offline, refused). */
  network: string;
  /** An answer came that is not a step's JSON (a proxy's error page, a redirect). */
  unavailable: string;
}

export const TRANSPORT_MESSAGES: TransportMessages = {
  network: "We could not reach the server. Check your connection and try again.",
  unavailable: "The service is temporarily unavailable. Please try again in a moment.",
};

export interface PostStepOptions {
  messages?: TransportMessages;
  /** Where to send the browser when the answer is a redirect (a gate's answer to a sign-in that has ended). */
  redirectedTo?: string;
}

const isActionState = (value: unknown): value is ActionState => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Posts a form to one of the plugin's step URLs and reads its ActionState answer, whatever its
 * status (a refusal's body is ActionState JSON too). Never throws: a failure to reach the server
 * or an answer that is not JSON becomes an `error` sentence.
 */
export async function postTwoFactorStep(url: string, formData: FormData, options: PostStepOptions = {}): Promise<ActionState> {
  const messages = options.messages ?? TRANSPORT_MESSAGES;
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body: formData, credentials: "same-origin", headers: { accept: "application/json" }, redirect: "manual" });
  } catch {
    return { ok: false, error: messages.network };
  }
  const redirected = response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
  if (redirected) return options.redirectedTo ? { ok: false, redirectTo: options.redirectedTo } : { ok: false, error: messages.unavailable };
  const state: unknown = await response.json().catch(() => null);
  return isActionState(state) ? state : { ok: false, error: messages.unavailable };
}

export interface RouteActionOptions extends PostStepOptions {
  /** Fields the form does not hold, added to each post: the challenge's `method` ("sms" | "backup" | "authenticator" | "passkey"). */
  fields?: Record<string, string>;
}

/**
 * A step of the plugin's route handler as a form action, for a host without server actions:
 * `useActionState(twoFactorRouteAction("/api/two-factor", "setup/send"), {})`. The component
 * follows the answer's `redirectTo`.
 */
export function twoFactorRouteAction(mountPath: string, step: TwoFactorStep, options: RouteActionOptions = {}): StepAction {
  const url = `${mountPath.replace(/\/+$/, "")}/${step}`;
  const { fields = {}, ...postOptions } = options;
  return (_previous, formData) => {
    for (const [name, value] of Object.entries(fields)) formData.set(name, value);
    return postTwoFactorStep(url, formData, postOptions);
  };
}
