import type { FlowAnswer, TwoFactorFlowDeps } from "./flow";
import { flowCookiesAndPaths } from "./flow";
import type { PendingSignIn } from "./pending-sign-in";
import { loadSmsVerdictPolicyFirst, type SmsVerdict } from "./sms-acceptance";

/**
 * The SMS verdict at the sign-in challenge, read afresh (an admin's switch during a pending
 * sign-in takes effect at its next step). A vanished user is left to the code's own check.
 */
export async function smsVerdictAtChallenge(deps: TwoFactorFlowDeps, pending: PendingSignIn): Promise<SmsVerdict> {
  return loadSmsVerdictPolicyFirst(deps, pending.userId, deps.clock.now());
}

/**
 * A right SMS code of a member who must add a secure method: no session, no trusted device; the
 * same pending sign-in (its nonce, its age, its first factor) moves on to the secure_setup stage,
 * sealed with the proof it carries, and the browser goes to its page.
 */
export async function holdForSecureMethod(deps: TwoFactorFlowDeps, pending: PendingSignIn): Promise<FlowAnswer & { ok: true; redirectTo: string }> {
  const { cookies, paths } = flowCookiesAndPaths(deps.options);
  const held: PendingSignIn = { ...pending, stage: "secure_setup", proved: "sms", ticket: undefined };
  return { ok: true, cookies: [await cookies.pendingSignIn.set(held, deps.sessionPassword)], redirectTo: paths.secureSetup };
}
