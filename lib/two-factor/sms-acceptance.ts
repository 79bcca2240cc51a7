import { failure, type Failure } from "../errors";
import { hasSecureMethod, mustAddSecureMethod, smsAccepted } from "./methods";
import type { OrganizationPolicy } from "./host";
import { loadSecondFactorState, methodPolicyOf, type PolicySource, type SecondFactorState } from "./policy";

/**
 * What an SMS code may do for a user now, read afresh from their organization's policy at each
 * step (an admin's switch reaches a sign-in already under way):
 * - "accepted": as the article, it proves the second factor;
 * - "secure_setup": it proves them, but no session begins until they add a secure method (a member
 *   of a secure-methods-only organization, past its grace, with SMS alone);
 * - "refused": nothing is texted nor checked (a member of such an organization with a secure method).
 */
export type SmsVerdict = "accepted" | "secure_setup" | "refused";

export function smsVerdictOf(state: Parameters<typeof mustAddSecureMethod>[0], now: Date): SmsVerdict {
  if (smsAccepted(state, now)) return "accepted";
  return mustAddSecureMethod(state, now) ? "secure_setup" : "refused";
}

/** The refusal every SMS step answers with when the verdict is "refused". */
export const smsNotAccepted = (): Failure<"SMS_NOT_ACCEPTED"> => failure("SMS_NOT_ACCEPTED");

/** The user's state and the verdict, in one read. */
export async function loadSmsVerdict(
  source: PolicySource,
  userId: string,
  now: Date,
  policy?: OrganizationPolicy,
): Promise<{ state: SecondFactorState | null; verdict: SmsVerdict }> {
  const state = await loadSecondFactorState(source, userId, now, policy);
  return { state, verdict: state ? smsVerdictOf(state, now) : "accepted" };
}

/**
 * The same verdict, reading the member's methods only when it can matter: the organization's policy
 * first (one statement), and the whole state only when it accepts secure methods only past its
 * grace. The sign-in challenge's SMS steps ask it at every code (bench item 4).
 */
export async function loadSmsVerdictPolicyFirst(source: PolicySource, userId: string, now: Date): Promise<SmsVerdict> {
  const policy = await source.host.organizationPolicy(source.db, userId);
  if (smsAccepted(methodPolicyOf(policy), now)) return "accepted";
  return (await loadSmsVerdict(source, userId, now, policy)).verdict;
}

/**
 * Where a sign-in with no second factor yet goes in a secure-methods-only organization: the app's
 * setup instead of the phone's (SMS is not accepted there, whatever the grace; the grace is for
 * members who already have SMS).
 */
export const setsUpSecureMethod = (state: Pick<SecondFactorState, "allowedMethods" | "enrolled">): boolean =>
  state.allowedMethods === "secure" && !state.enrolled;

export { hasSecureMethod };
