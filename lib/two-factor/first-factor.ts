import type { RequestInfo } from "../http/client-ip";
import type { CookieInstruction, CookieReader } from "./cookies";
import { flowCookiesAndPaths, type FlowAnswer, type TwoFactorFlowDeps } from "./flow";
import { stagePath } from "./paths";
import { continueAfterFirstFactor } from "./sign-in";
import { consumeSignInTicket, isFirstFactor, issueSignInTicket, type FirstFactor } from "./sign-in-ticket";
import type { TwoFactorDeps } from "./options";

/** @default 60_000: the browser follows the redirect at once; the ticket is not meant to wait. */
export const FIRST_FACTOR_TICKET_TTL_MS = 60_000;

/**
 * A first factor proved outside the plugin (next-auth's sign-in callback: a password, OIDC, an
 * email link) is handed to the plugin's continue step as a single-use ticket: no session and no
 * pending sign-in exist until that step has decided, so nothing is started before the second factor.
 */
export async function handOffFirstFactor(deps: Pick<TwoFactorDeps, "db" | "clock">, input: { userId: string; firstFactor: FirstFactor }): Promise<string> {
  return issueSignInTicket(deps.db, input.userId, [input.firstFactor], deps.clock.now(), FIRST_FACTOR_TICKET_TTL_MS, "first_factor");
}

export interface ContinueInput {
  ticket: string;
  /** Where the browser goes once signed in: a path of the host, already checked. */
  returnTo: string;
  cookies: CookieReader;
  request: RequestInfo;
}

function challengeWithNotice(path: string, sent: { code: string; retryAfterMs?: number }, now: Date): string {
  const query = new URLSearchParams({ notice: sent.code });
  if (sent.retryAfterMs !== undefined) query.set("liftsAt", new Date(now.getTime() + sent.retryAfterMs).toISOString());
  return `${path}?${query}`;
}

/**
 * The continue step: redeems the ticket once, then does what follows any first factor: the
 * session when no second factor is due (or a trusted device), else the pending sign-in and the
 * setup or challenge page. A used, expired or unknown ticket starts nothing.
 */
export async function continueHandedOffSignIn(deps: TwoFactorFlowDeps, input: ContinueInput): Promise<FlowAnswer> {
  const { cookies, paths } = flowCookiesAndPaths(deps.options);
  const now = deps.clock.now();
  const grant = await consumeSignInTicket(deps.db, input.ticket, now, "first_factor");
  const firstFactor = grant?.amr[0];
  if (!grant || !isFirstFactor(firstFactor)) return { cookies: [], redirectTo: paths.signInExpired };
  const next = await continueAfterFirstFactor(deps, {
    userId: grant.userId,
    returnTo: input.returnTo,
    deviceToken: cookies.trustedDevice.read(input.cookies),
    request: input.request,
    firstFactor,
  });
  if (next.next === "session") {
    return { cookies: await deps.startSession(next.session, now), redirectTo: input.returnTo };
  }
  const set: CookieInstruction[] = [await cookies.pendingSignIn.set(next.pending, deps.sessionPassword)];
  // The account's email, for "Sign in again" should the pending sign-in end (not a secret).
  set.push(cookies.signInEmail.set(next.email));
  const stage = stagePath(paths, next.pending.stage);
  return { cookies: set, redirectTo: next.sent && !next.sent.ok ? challengeWithNotice(stage, next.sent, now) : stage };
}
