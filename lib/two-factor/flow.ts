import type { EmailSender } from "../email/sender";
import { twoFactorCookies, type CookieInstruction, type CookieSettings, type TwoFactorCookies } from "./cookies";
import type { TwoFactorDeps } from "./options";
import { twoFactorPaths, type PathSettings, type TwoFactorPaths } from "./paths";
import type { SessionGrant } from "./sign-in-ticket";

/**
 * What the flow's last steps need of the host beyond the core's deps. The core decides and
 * describes the answer (cookies, where the browser goes); the host's edge applies it.
 */
export interface TwoFactorFlowDeps extends TwoFactorDeps {
  /**
   * The host's session strategy: the cookies that start a session for a completed sign-in. Call
   * only once the grant's factors are committed; the core never knows the session's format.
   */
  startSession(grant: SessionGrant, now: Date): Promise<CookieInstruction[]>;
  /** Sends the member's notices (a trusted device, a backup code used, a lock, setup done). */
  email: EmailSender;
  /** Runs a task once the answer is sent (Next.js: `after`). Without it, tasks run before the answer. */
  defer?: (task: () => Promise<void>) => void;
  /** Seals the pending sign-in cookie; at least 32 characters of secret. */
  sessionPassword: string;
}

/** A flow step's answer, as the edge applies it: cookies to set or clear, and where to go (if anywhere). */
export interface FlowAnswer {
  cookies: CookieInstruction[];
  redirectTo: string | null;
}

/** Runs a task after the answer when the host can, else now; a task's failure never fails the step. */
export async function runAfterAnswer(deps: Pick<TwoFactorFlowDeps, "defer">, task: () => Promise<void>): Promise<void> {
  if (deps.defer) deps.defer(task);
  else await task().catch(() => undefined);
}

/** The cookies and paths a flow step answers with: from the options, so one setting changes both ends. */
export function flowCookiesAndPaths(options: CookieSettings & PathSettings): { cookies: TwoFactorCookies; paths: TwoFactorPaths } {
  return { cookies: twoFactorCookies(options), paths: twoFactorPaths(options) };
}
