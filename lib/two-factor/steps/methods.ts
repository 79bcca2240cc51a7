import { z } from "zod";
import { runAfterAnswer } from "../flow";
import { messageContext, twoFactorMessage, type TwoFactorErrorCode } from "../messages";
import { refuseRemovingLastMethod } from "../method-removal";
import { notifyMemberOf } from "../notices";
import { removePhone } from "../phone-removal";
import { loadSecondFactorState } from "../policy";
import { makePreferredMethod } from "../preferred-method";
import { PREFERRED_SECOND_FACTORS, type PreferredSecondFactor } from "../schema";
import type { TwoFactorSession } from "../session";
import { signedIn } from "./guards";
import { refusedWithoutRecentSecondFactor } from "./recent";
import { answer, formStep, type StepAnswer, type StepInput } from "./step";

// The Security page's list of methods: which one the challenge opens with, and taking SMS away.

/** The Security page's actions on the methods list that resume after "Confirm it's you". */
export const METHOD_RESUME = { removePhone: "phone-remove" } as const;

const securityPage = (input: StepInput, query: string) => `${input.deps.options.securityPath}${query}`;
const refusal = (input: StepInput, code: TwoFactorErrorCode, status: number) =>
  answer({ ok: false, error: twoFactorMessage({ code }, messageContext("security", input.deps.clock.now(), input.form)) }, { status });

/**
 * Before a removal asks "Confirm it's you": null when the member may remove `method` now; else the
 * refusal (not set up, the last method), so no one confirms only to be refused. The core checks again.
 */
export async function refusedRemoval(input: StepInput, session: TwoFactorSession, method: PreferredSecondFactor, resume: string): Promise<StepAnswer | null> {
  const { deps } = input;
  const state = await loadSecondFactorState(deps, session.userId, deps.clock.now());
  if (!state?.enrolled) return refusal(input, "NOT_ENROLLED", 409);
  const refused = refuseRemovingLastMethod(state, method);
  if (refused) return refusal(input, refused.code, 409);
  return refusedWithoutRecentSecondFactor(input, session, securityPage(input, `?resume=${resume}`));
}

/** security/preferred-method: `method` (passkey, authenticator or sms), one the member has; sign-in opens with it from then on. */
export const makePreferredMethodStep = formStep({
  schema: z.object({ method: z.enum(PREFERRED_SECOND_FACTORS, { message: "Choose one of your verification methods." }) }),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const done = await makePreferredMethod(deps, { userId: session.userId, method: input.data.method, request: input.request });
    if (!done.ok) return refusal(input, done.code, 409);
    return answer({ ok: true }, { redirectTo: securityPage(input, `?preferred=${input.data.method}`) });
  },
});

/** security/phone-remove: the verified phone goes (SMS is no longer a method), while another method remains; the member is emailed. */
export const removePhoneStep = formStep({
  schema: z.object({}),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedRemoval(input, session, "sms", METHOD_RESUME.removePhone);
    if (refused) return refused;
    const removed = await removePhone(deps, { userId: session.userId, request: input.request });
    if (!removed.ok) return refusal(input, removed.code, 409);
    await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, removed.email, { kind: "phone_removed", phoneMasked: removed.phoneMasked }, deps.options.appName)));
    return answer({ ok: true }, { redirectTo: securityPage(input, "?phone-removed=1") });
  },
});
