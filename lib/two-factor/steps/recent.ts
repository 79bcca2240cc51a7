import { ERROR_MESSAGES } from "../../errors";
import { safeReturnPath } from "../../return-path";
import { flowCookiesAndPaths } from "../flow";
import { hasRecentSecondFactor } from "../confirm";
import type { TwoFactorSession } from "../session";
import { answer, type StepAnswer, type StepInput } from "./step";

/**
 * A sensitive step's second gate: the session did its second factor within `confirmationTtlMs`
 * (at sign-in, or on "Confirm it's you"): null when it did; otherwise the refusal, which sends the
 * browser to the confirm page and back to `resumeTo`, the step changing nothing.
 */
export async function refusedWithoutRecentSecondFactor(input: StepInput, session: TwoFactorSession, resumeTo: string): Promise<StepAnswer | null> {
  const { deps } = input;
  const { cookies, paths } = flowCookiesAndPaths(deps.options);
  const nowMs = deps.clock.now().getTime();
  const confirmedAt = await cookies.confirmation.read(input.cookies, session, deps.sessionPassword, nowMs);
  if (hasRecentSecondFactor(session, confirmedAt, nowMs, deps.options.confirmationTtlMs)) return null;
  const next = safeReturnPath(resumeTo, "/", [paths.signIn, paths.twoFactor]);
  return answer({ ok: false, error: ERROR_MESSAGES.CONFIRMATION_REQUIRED }, { redirectTo: `${deps.options.confirmPath}?next=${encodeURIComponent(next)}`, status: 403 });
}
