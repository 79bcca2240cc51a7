import { z } from "zod";
import { ERROR_MESSAGES } from "../../errors";
import { safeReturnPath } from "../../return-path";
import type { ActionState } from "../action-state";
import { confirmSecondFactorAndNotify, sendConfirmationCode } from "../confirm";
import { flowCookiesAndPaths } from "../flow";
import { messageContext, twoFactorMessage } from "../messages";
import { beginPasskeyConfirmation } from "../passkey-confirm";
import { signedIn } from "./guards";
import { answer, formStep, type StepHost } from "./step";

// "Confirm it's you": a signed-in member proves their second factor again before a sensitive step.

const NOT_ENROLLED = "Set up two-step authentication on your Security page first.";
const WRONG_PASSWORD = ERROR_MESSAGES.INVALID_CREDENTIALS.replace("email or ", "");

/** The lock is said for the whole page, with when it lifts: the forms stay disabled until then. */
const lockedState = (locked: { lockedUntil: Date }, error: string): ActionState => ({ ok: false, error, lockedUntil: locked.lockedUntil.toISOString() });

/** confirm/send: texts a code bound to this session to the member's phone. */
export const sendConfirmCodeStep = formStep({
  schema: z.object({}),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const context = messageContext("confirm", deps.clock.now(), input.form);
    const sent = await sendConfirmationCode(deps, { userId: session.userId, authTime: session.authTime, request: input.request });
    if (!sent.ok && sent.code === "LOCKED") return answer(lockedState(sent, twoFactorMessage(sent, context)));
    if (!sent.ok) return answer({ ok: false, error: sent.code === "NOT_ENROLLED" ? NOT_ENROLLED : twoFactorMessage(sent, context) });
    return answer({ ok: true, message: `We texted a code to ${sent.phoneMasked}.`, resendAt: sent.resendAt.toISOString() });
  },
});

/** confirm/passkey-options: what the browser is asked to sign with, bound to this session. */
export const passkeyConfirmOptionsStep = formStep({
  schema: z.object({ timeZone: z.string().max(64).optional() }),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const begun = await beginPasskeyConfirmation(deps, { userId: session.userId, authTime: session.authTime });
    if (begun.ok) return answer({ ok: true, passkeyOptions: { ...begun.options } });
    const error = twoFactorMessage(begun, messageContext("confirm", deps.clock.now(), input.form));
    return answer(begun.code === "LOCKED" ? lockedState(begun, error) : { ok: false, error });
  },
});

// A code is at most 64 characters; a passkey's answer (JSON) is longer.
const CODE_MAX = 64;
const confirmFields = {
  method: z.enum(["sms", "backup", "authenticator", "passkey"]),
  code: z.string().trim().min(1, "Enter the code.").max(12_000),
  next: z.string().max(2048).optional(),
};
const password = z.string().min(1, "Enter your password.").max(256);
// Without the host's password check the form has no password field to require.
const confirmSchema = (host: StepHost) =>
  z
    .object({ ...confirmFields, password: host.checkPassword ? password : password.optional() })
    .refine((form) => form.method === "passkey" || form.code.length <= CODE_MAX, { path: ["code"], message: `Too big: expected string to have <=${CODE_MAX} characters` });

/**
 * confirm/verify: `password` (when the host checks it), `method` (sms | backup | authenticator |
 * passkey), `code` (a passkey's: the browser's answer, JSON), `next`.
 * Right: the confirmation cookie for this session, and back to `next`.
 */
export const confirmStep = formStep({
  schema: confirmSchema,
  who: signedIn,
  async run(input) {
    const { deps, data, who: session } = input;
    if (input.host.checkPassword && !(await input.host.checkPassword({ userId: session.userId, password: data.password ?? "", request: input.request }))) {
      return answer({ ok: false, fieldErrors: { password: WRONG_PASSWORD } });
    }
    const confirmed = await confirmSecondFactorAndNotify(deps, { userId: session.userId, authTime: session.authTime, method: data.method, code: data.code, request: input.request });
    const context = messageContext("confirm", deps.clock.now(), input.form);
    if (!confirmed.ok && confirmed.code === "LOCKED") return answer(lockedState(confirmed, twoFactorMessage(confirmed, context)));
    if (!confirmed.ok) return answer({ ok: false, fieldErrors: { code: confirmed.code === "NOT_ENROLLED" ? NOT_ENROLLED : twoFactorMessage(confirmed, context) } });
    const { cookies, paths } = flowCookiesAndPaths(deps.options);
    const cookie = await cookies.confirmation.set({ userId: session.userId, authTime: session.authTime, at: deps.clock.now().getTime() }, deps.sessionPassword);
    return answer({ ok: true }, { cookies: [cookie], redirectTo: safeReturnPath(data.next, "/", [paths.signIn, paths.twoFactor]) });
  },
});
