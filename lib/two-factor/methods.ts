import { hasMethod, type SecondFactorState } from "./policy";
import { PREFERRED_SECOND_FACTORS, type PreferredSecondFactor } from "./schema";

/** A way through the challenge: the user's methods, and a backup code (which covers every method). */
export type ChallengeMethodName = PreferredSecondFactor | "backup";

type MethodFacts = Pick<SecondFactorState, "methods" | "preferred" | "allowedMethods" | "secureMethodsGraceUntil">;

/**
 * Whether an SMS code completes a sign-in or a confirmation now: always, unless the organization
 * accepts secure methods only and its grace for SMS-only members has passed.
 */
export function smsAccepted(state: Pick<SecondFactorState, "allowedMethods" | "secureMethodsGraceUntil">, now: Date): boolean {
  if (state.allowedMethods !== "secure") return true;
  return state.secureMethodsGraceUntil !== null && state.secureMethodsGraceUntil > now;
}

/** Whether a secure method (an authenticator app or a passkey) is set up. */
export const hasSecureMethod = (state: Pick<SecondFactorState, "methods">): boolean => state.methods.authenticator || state.methods.passkeys > 0;

/**
 * A member of a secure-methods-only organization, past its grace, with no secure method: their SMS
 * code still proves them, but no session begins until they add an authenticator app or a passkey.
 */
export function mustAddSecureMethod(state: MethodFacts, now: Date): boolean {
  return !smsAccepted(state, now) && !hasSecureMethod(state);
}

/**
 * The methods the challenge offers, in order: passkey, authenticator app, SMS (only while accepted,
 * or as the one proof a member who must add a secure method has), then the backup code; the
 * user's preferred method first. The first is the one the challenge opens with.
 */
export function challengeMethods(state: MethodFacts, now: Date): ChallengeMethodName[] {
  const smsOffered = smsAccepted(state, now) || mustAddSecureMethod(state, now);
  const own = PREFERRED_SECOND_FACTORS.filter((m) => hasMethod(state.methods, m) && (m !== "sms" || smsOffered));
  const preferred = state.preferred && own.includes(state.preferred) ? [state.preferred] : [];
  return [...preferred, ...own.filter((m) => m !== state.preferred), "backup"];
}

/**
 * `challengeMethods` as a page offers them: a passkey only where the host set passkeys up
 * (`passkeyRpId`); a user who vanished gets the article's two.
 */
export function offeredMethods(deps: { options: { passkeyRpId: string | null } }, state: MethodFacts | null, now: Date): ChallengeMethodName[] {
  if (!state) return ["sms", "backup"];
  return challengeMethods(state, now).filter((m) => m !== "passkey" || deps.options.passkeyRpId);
}
