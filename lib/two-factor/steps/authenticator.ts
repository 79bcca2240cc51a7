import { z } from "zod";
import { beginAuthenticatorSetup, confirmAuthenticatorSetup, removeAuthenticatorApp } from "../authenticator-app";
import { authenticatorCodeField } from "../fields";
import { runAfterAnswer } from "../flow";
import { messageContext, twoFactorMessage } from "../messages";
import { notifyMemberOf, type TwoFactorNotice } from "../notices";
import { loadSecondFactorState } from "../policy";
import type { TwoFactorSession } from "../session";
import { signedIn } from "./guards";
import { refusedRemoval } from "./methods";
import { refusedWithoutRecentSecondFactor } from "./recent";
import { answer, formStep, type StepAnswer, type StepInput } from "./step";

// The Security page's authenticator app: set it up (a QR code, then a code of it) and remove it.
// As a phone change, each needs two-step authentication set up and a recent second factor: a
// session alone (a cookie taken from an unlocked laptop) must not add an app of its own or take one away.

/** The Security page's actions that resume after "Confirm it's you". */
export const AUTHENTICATOR_RESUME = { setup: "authenticator-setup", remove: "authenticator-remove" } as const;

const securityPage = (input: StepInput, query: string) => `${input.deps.options.securityPath}${query}`;

/** null when the member may change their app now; else the refusal (not set up, or confirm first). */
async function refusedChange(input: StepInput, session: TwoFactorSession, resume: string): Promise<StepAnswer | null> {
  const { deps } = input;
  const state = await loadSecondFactorState(deps, session.userId, deps.clock.now());
  if (!state?.enrolled) return answer({ ok: false, error: twoFactorMessage({ code: "NOT_ENROLLED" }, messageContext("security", deps.clock.now())) }, { status: 409 });
  return refusedWithoutRecentSecondFactor(input, session, securityPage(input, `?resume=${resume}`));
}

async function notify(input: StepInput, email: string, notice: TwoFactorNotice) {
  const { deps } = input;
  await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, email, notice, deps.options.appName)));
}

/** security/authenticator-begin: a new secret; the answer carries its text and QR code, shown to this browser only. */
export const beginAuthenticatorSetupStep = formStep({
  schema: z.object({}),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedChange(input, session, AUTHENTICATOR_RESUME.setup);
    if (refused) return refused;
    const started = await beginAuthenticatorSetup(deps, { userId: session.userId, request: input.request });
    return answer({ ok: true, authenticator: { secret: started.secret, qrSvg: started.qrSvg, expiresAt: started.expiresAt.toISOString() } });
  },
});

/** security/authenticator-confirm: `code` of the new app; right, the app is saved and the member emailed. */
export const confirmAuthenticatorSetupStep = formStep({
  schema: z.object({ code: authenticatorCodeField }),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedChange(input, session, AUTHENTICATOR_RESUME.setup);
    if (refused) return refused;
    const done = await confirmAuthenticatorSetup(deps, { userId: session.userId, code: input.data.code, request: input.request });
    if (!done.ok) {
      const message = twoFactorMessage(done, messageContext("security", deps.clock.now(), input.form));
      // A setup that can no longer be used has no form to fix: the message is the whole answer.
      if (done.code === "NO_AUTHENTICATOR_SETUP" || done.code === "LOCKED" || (done.code === "INVALID_AUTHENTICATOR_CODE" && done.triesLeft === 0)) {
        return answer({ ok: false, error: message });
      }
      return answer({ ok: false, fieldErrors: { code: message } });
    }
    await notify(input, done.email, { kind: "authenticator_added", replaced: done.replaced });
    return answer({ ok: true }, { redirectTo: securityPage(input, "?app-added=1") });
  },
});

/** security/authenticator-remove: the member's app goes (its codes stop working) and the member is emailed. */
export const removeAuthenticatorAppStep = formStep({
  schema: z.object({}),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedRemoval(input, session, "authenticator", AUTHENTICATOR_RESUME.remove);
    if (refused) return refused;
    const removed = await removeAuthenticatorApp(deps, { userId: session.userId, request: input.request });
    if (!removed.ok) return answer({ ok: false, error: twoFactorMessage(removed, messageContext("security", deps.clock.now())) });
    await notify(input, removed.email, { kind: "authenticator_removed" });
    return answer({ ok: true }, { redirectTo: securityPage(input, "?app-removed=1") });
  },
});
