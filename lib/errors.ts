/** Every expected failure the portal answers a request with. Each has a message: see ERROR_MESSAGES. */
export type ErrorCode =
  | "INVALID_INPUT"
  | "INVALID_CREDENTIALS"
  | "RATE_LIMITED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "SERVICE_UNAVAILABLE"
  | "CROSS_SITE"
  | "NETWORK"
  | "SECOND_FACTOR_NOT_SET_UP"
  | "SECOND_FACTOR_NOT_SET_UP_FOR_METHODS"
  | "INVALID_SEARCH"
  | "INVALID_PAGE_LINK"
  | "INVALID_MEMBER_FILTER"
  | "INVALID_EVENT_FILTER"
  | "INVALID_ADDRESS"
  | "INVALID_CALLBACK_URL"
  | "MALFORMED_BODY"
  | "BODY_TOO_LARGE"
  | "LENGTH_REQUIRED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFIRMATION_REQUIRED";

/**
 * Every expected failure the portal shows, by code. Messages are safe to show: none says
 * whether an email exists, or which of a phone number or a code was wrong.
 */
export const ERROR_MESSAGES = {
  INVALID_INPUT: "Check the highlighted fields and try again.",
  INVALID_CREDENTIALS: "The email or password is incorrect.",
  RATE_LIMITED: "Too many attempts. Wait a few minutes and try again.",
  UNAUTHENTICATED: "Your session has ended. Sign in again.",
  FORBIDDEN: "Only the account owner and admins can do this.",
  SERVICE_UNAVAILABLE: "Connect is temporarily unavailable. Please try again in a moment.",
  CROSS_SITE: "This request did not come from this site's own page. Reload the page and try again.",
  NETWORK: "We could not reach the server. Check your connection and try again.",
  SECOND_FACTOR_NOT_SET_UP:
    "Lifting the requirement or giving members more time needs your own second factor. Set up two-step authentication on the Security page first.",
  SECOND_FACTOR_NOT_SET_UP_FOR_METHODS:
    "Changing the allowed methods needs your own second factor. Set up two-step authentication on the Security page first.",
  INVALID_SEARCH: "That search is not valid: use at most 100 characters, with no control characters. All members are shown.",
  INVALID_PAGE_LINK: "That page link is not valid, so the first page is shown.",
  INVALID_MEMBER_FILTER: "That member filter is not valid: use an email address of at most 254 characters, with no control characters. Events of every member are shown.",
  INVALID_EVENT_FILTER: "That event filter is not one of the listed events, so every event is shown.",
  INVALID_ADDRESS: "That address is not valid: it has a broken %-escape. Check the link and try again.",
  INVALID_CALLBACK_URL: "That sign-in return address is not valid. Go back to the portal and try again.",
  MALFORMED_BODY: "That form could not be read. Reload the page and try again.",
  BODY_TOO_LARGE: "That request is too large for this form. Reload the page and try again.",
  LENGTH_REQUIRED: "That request did not say how large it is. Reload the page and try again.",
  NOT_FOUND: "Nothing at this address takes a form. Reload the page and try again.",
  METHOD_NOT_ALLOWED: "This address only takes a submitted form. Reload the page and try again.",
  CONFIRMATION_REQUIRED: "Confirm it's you to continue: this step needs your second factor again.",
} as const satisfies Record<ErrorCode, string>;

export interface Failure<C extends string = ErrorCode> {
  ok: false;
  code: C;
  /** For limits: how long until the next try is allowed. */
  retryAfterMs?: number;
}

export function failure<C extends string>(code: C, extra: Omit<Failure<C>, "ok" | "code"> = {}): Failure<C> {
  return { ok: false, code, ...extra };
}
