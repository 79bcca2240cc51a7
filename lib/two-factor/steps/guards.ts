import { ERROR_MESSAGES } from "../../errors";
import { flowCookiesAndPaths } from "../flow";
import { messageContext, twoFactorMessage } from "../messages";
import { stagePath } from "../paths";
import type { PendingSignIn } from "../pending-sign-in";
import { loadPendingStanding } from "../pending-standing";
import { organizationAdminOf, type AdminSession, type TwoFactorSession } from "../session";
import { answer, UNAUTHENTICATED_ANSWER, type StepAnswer, type StepInput, type Who } from "./step";

/** The pending sign-in ended (a password reset, a 2FA reset, a phone change): its cookie goes, the browser to sign-in. */
export function signInEndedAnswer(input: StepInput, screen: "setup" | "challenge"): StepAnswer {
  const { cookies, paths } = flowCookiesAndPaths(input.deps.options);
  const error = twoFactorMessage({ code: "SIGN_IN_ENDED" }, messageContext(screen, input.deps.clock.now(), input.form));
  return answer({ ok: false, error }, { cookies: [cookies.pendingSignIn.clear()], redirectTo: paths.signInEnded, status: 401 });
}

/**
 * The browser's pending sign-in of this stage (read from its sealed cookie). Without one: 401 and
 * off to sign-in; at the other stage: off to that stage's page. `standing`: also check, in the
 * database, that nothing ended it since (for steps whose core call does not check it itself).
 */
export function pendingSignIn(stage: PendingSignIn["stage"], options: { standing?: boolean } = {}): Who<PendingSignIn> {
  return async (input) => {
    const { deps } = input;
    const { cookies, paths } = flowCookiesAndPaths(deps.options);
    const pending = await cookies.pendingSignIn.read(input.cookies, deps.sessionPassword, deps.clock.now().getTime());
    const screen = stage === "challenge" ? "challenge" : "setup";
    if (!pending) {
      const error = twoFactorMessage({ code: "SESSION_EXPIRED" }, messageContext(screen, deps.clock.now(), input.form));
      return { ok: false, answer: answer({ ok: false, error }, { redirectTo: paths.signInExpired, status: 401 }) };
    }
    if (pending.stage !== stage) return { ok: false, answer: answer({ ok: false }, { redirectTo: stagePath(paths, pending.stage), status: 409 }) };
    if (options.standing && (await loadPendingStanding(deps.db, pending)) === "ended") return { ok: false, answer: signInEndedAnswer(input, screen) };
    return { ok: true, who: pending };
  };
}

/** Signed in with the sign-in complete: the host's session answer; without one, 401. */
export const signedIn: Who<TwoFactorSession> = async (input) => {
  const session = await input.host.getSession(input.cookies, input.deps.clock.now());
  return session ? { ok: true, who: session } : { ok: false, answer: UNAUTHENTICATED_ANSWER() };
};

/** An owner or admin of their organization; anyone else signed in is refused with 403. */
export const organizationAdmin: Who<AdminSession> = async (input) => {
  const checked = organizationAdminOf(await input.host.getSession(input.cookies, input.deps.clock.now()));
  if (checked.ok) return { ok: true, who: checked.session };
  if (checked.code === "UNAUTHENTICATED") return { ok: false, answer: UNAUTHENTICATED_ANSWER() };
  return { ok: false, answer: answer({ ok: false, error: ERROR_MESSAGES.FORBIDDEN }, { status: 403 }) };
};
