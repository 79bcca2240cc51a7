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
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface Failure<C extends string = ErrorCode> {
  ok: false;
  code: C;
  /** For limits: how long until the next try is allowed. */
  retryAfterMs?: number;
}

export function failure<C extends string>(code: C, extra: Omit<Failure<C>, "ok" | "code"> = {}): Failure<C> {
  return { ok: false, code, ...extra };
}

export function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
