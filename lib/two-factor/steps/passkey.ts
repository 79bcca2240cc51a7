import { z } from "zod";
import { runAfterAnswer } from "../flow";
import { messageContext, twoFactorMessage } from "../messages";
import { notifyMemberOf, type TwoFactorNotice } from "../notices";
import { passkeySessionNonce } from "../passkey-challenge";
import { beginPasskeyRegistration, completePasskeyRegistration } from "../passkey-registration";
import { passkeyAnswerField } from "../passkey-response";
import { beginPasskeySignIn } from "../passkey-sign-in";
import { passkeyNameField, removePasskey, renamePasskey } from "../passkeys";
import { loadSecondFactorState } from "../policy";
import type { TwoFactorSession } from "../session";
import { pendingSignIn, signedIn, signInEndedAnswer } from "./guards";
import { refusedWithoutRecentSecondFactor } from "./recent";
import { answer, formStep, type StepAnswer, type StepInput } from "./step";

// Passkeys and security keys (WebAuthn). On the Security page: add one (options, then the
// browser's answer with a name), rename one, remove one; adding and removing need two-step
// authentication set up and a recent second factor, as the authenticator app's do. On the
// challenge: the options for the pending sign-in (the answer goes to challenge/verify, method "passkey").

/** The Security page's passkey actions that resume after "Confirm it's you". */
export const PASSKEY_RESUME = { add: "passkey-add", remove: "passkey-remove" } as const;

const securityPage = (input: StepInput, query: string) => `${input.deps.options.securityPath}${query}`;
const passkeyIdField = z.string().min(1).max(64);

async function refusedChange(input: StepInput, session: TwoFactorSession, resume: string | null): Promise<StepAnswer | null> {
  const { deps } = input;
  const state = await loadSecondFactorState(deps, session.userId, deps.clock.now());
  if (!state?.enrolled) return answer({ ok: false, error: twoFactorMessage({ code: "NOT_ENROLLED" }, messageContext("security", deps.clock.now())) }, { status: 409 });
  return resume === null ? null : refusedWithoutRecentSecondFactor(input, session, securityPage(input, `?resume=${resume}`));
}

async function notify(input: StepInput, email: string, notice: TwoFactorNotice) {
  const { deps } = input;
  await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, email, notice, deps.options.appName)));
}

const say = (input: StepInput, failure: Parameters<typeof twoFactorMessage>[0], screen: "security" | "challenge" = "security") =>
  twoFactorMessage(failure, messageContext(screen, input.deps.clock.now(), input.form));

/** security/passkey-options: what the browser is asked to make a passkey with, bound to this session. */
export const passkeyRegistrationOptionsStep = formStep({
  schema: z.object({}),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedChange(input, session, PASSKEY_RESUME.add);
    if (refused) return refused;
    const begun = await beginPasskeyRegistration(deps, { userId: session.userId, attemptNonce: passkeySessionNonce(session) });
    if (!begun.ok) return answer({ ok: false, error: say(input, begun) });
    return answer({ ok: true, passkeyOptions: { ...begun.options } });
  },
});

/** security/passkey-add: `name` and `response` (the browser's answer, JSON); kept, the member is emailed. */
export const addPasskeyStep = formStep({
  schema: z.object({ name: passkeyNameField, response: passkeyAnswerField }),
  echo: ["name"],
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedChange(input, session, PASSKEY_RESUME.add);
    if (refused) return refused;
    const { name, response } = input.data;
    const added = await completePasskeyRegistration(deps, { userId: session.userId, attemptNonce: passkeySessionNonce(session), name, answer: response, request: input.request });
    if (!added.ok) return answer({ ok: false, error: say(input, added) });
    await notify(input, added.email, { kind: "passkey_added", name });
    return answer({ ok: true }, { redirectTo: securityPage(input, "?passkey-added=1") });
  },
});

/** security/passkey-rename: `passkeyId`, `name`; a session alone may rename (it changes no way in). */
export const renamePasskeyStep = formStep({
  schema: z.object({ passkeyId: passkeyIdField, name: passkeyNameField }),
  echo: ["name"],
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedChange(input, session, null);
    if (refused) return refused;
    const renamed = await renamePasskey(deps, { userId: session.userId, passkeyId: input.data.passkeyId, name: input.data.name, request: input.request });
    if (!renamed.ok) return answer({ ok: false, error: say(input, renamed) });
    return answer({ ok: true }, { redirectTo: securityPage(input, "?passkey-renamed=1") });
  },
});

/** security/passkey-remove: `passkeyId`; it signs in no more, and the member is emailed. */
export const removePasskeyStep = formStep({
  schema: z.object({ passkeyId: passkeyIdField }),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedChange(input, session, PASSKEY_RESUME.remove);
    if (refused) return refused;
    const removed = await removePasskey(deps, { userId: session.userId, passkeyId: input.data.passkeyId, request: input.request });
    if (!removed.ok) return answer({ ok: false, error: say(input, removed) });
    await notify(input, removed.email, { kind: "passkey_removed", name: removed.name });
    return answer({ ok: true }, { redirectTo: securityPage(input, "?passkey-removed=1") });
  },
});

/** challenge/passkey-options: what the browser is asked to sign with, bound to this pending sign-in. */
export const passkeySignInOptionsStep = formStep({
  schema: z.object({ timeZone: z.string().max(64).optional() }),
  who: pendingSignIn("challenge"),
  async run(input) {
    const begun = await beginPasskeySignIn(input.deps, input.who);
    if (begun.ok) return answer({ ok: true, passkeyOptions: { ...begun.options } });
    if (begun.code === "SIGN_IN_ENDED") return signInEndedAnswer(input, "challenge");
    const lockedUntil = begun.code === "LOCKED" ? begun.lockedUntil.toISOString() : undefined;
    return answer({ ok: false, error: say(input, begun, "challenge"), lockedUntil });
  },
});
