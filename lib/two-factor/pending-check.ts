import type { CookieReader } from "./cookies";
import { flowCookiesAndPaths, type TwoFactorFlowDeps } from "./flow";
import { stagePath } from "./paths";
import type { PendingSignIn } from "./pending-sign-in";
import { loadPendingStanding } from "./pending-standing";

export type PendingSignInCheck = { ok: true; pending: PendingSignIn } | { ok: false; redirectTo: string };

/**
 * The server-side check of the two-factor pages (setup, challenge): the browser's pending sign-in
 * of this stage, if it still stands in the database (nothing ended it since: a password reset, an
 * admin's reset, a phone change); otherwise where the browser belongs. The steps check again when
 * they act, inside their own statements.
 */
export async function checkPendingSignIn(
  deps: Pick<TwoFactorFlowDeps, "db" | "clock" | "options" | "sessionPassword">,
  cookies: CookieReader,
  stage: PendingSignIn["stage"],
): Promise<PendingSignInCheck> {
  const { cookies: flowCookies, paths } = flowCookiesAndPaths(deps.options);
  const pending = await flowCookies.pendingSignIn.read(cookies, deps.sessionPassword, deps.clock.now().getTime());
  if (!pending) return { ok: false, redirectTo: paths.signInExpired };
  if (pending.stage !== stage) return { ok: false, redirectTo: stagePath(paths, pending.stage) };
  if ((await loadPendingStanding(deps.db, pending)) === "ended") return { ok: false, redirectTo: paths.signInEnded };
  return { ok: true, pending };
}
