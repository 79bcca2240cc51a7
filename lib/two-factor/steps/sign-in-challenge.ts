import { z } from "zod";
import { ERROR_MESSAGES } from "../../errors";
import { completeSignInChallenge, type ChallengeMethod } from "../challenge-completion";
import { authenticatorCodeField, backupCodeField, checkboxField, smsCodeField } from "../fields";
import { flowCookiesAndPaths } from "../flow";
import { messageContext, twoFactorMessage, type TwoFactorMessageContext } from "../messages";
import { passkeyAnswerField } from "../passkey-response";
import { resendSignInCode } from "../sign-in";
import { validateForm } from "./form";
import { pendingSignIn, signInEndedAnswer } from "./guards";
import { answer, anyone, formStep, type Step } from "./step";

// The sign-in challenge: "Verify" (an SMS code, an authenticator app's code, a passkey's answer or a backup code), "Resend code", and "Cancel".

// `timeZone`: the browser's, so a lock or limit says when it lifts in the member's own time.
const timeZoneField = z.string().max(64).optional();
const FORMS = {
  sms: z.object({ code: smsCodeField, trustDevice: checkboxField, timeZone: timeZoneField }).transform((f) => ({ code: f.code, trustDevice: f.trustDevice, timeZone: f.timeZone })),
  backup: z.object({ backupCode: backupCodeField, trustDevice: checkboxField, timeZone: timeZoneField }).transform((f) => ({ code: f.backupCode, trustDevice: f.trustDevice, timeZone: f.timeZone })),
  authenticator: z.object({ code: authenticatorCodeField, trustDevice: checkboxField, timeZone: timeZoneField }),
  passkey: z.object({ response: passkeyAnswerField, trustDevice: checkboxField, timeZone: timeZoneField }).transform((f) => ({ code: f.response, trustDevice: f.trustDevice, timeZone: f.timeZone })),
} as const satisfies Record<ChallengeMethod, z.ZodType>;
const FIELDS = { sms: "code", backup: "backupCode", authenticator: "code", passkey: "response" } as const satisfies Record<ChallengeMethod, string>;
const isMethod = (method: unknown): method is ChallengeMethod => typeof method === "string" && Object.hasOwn(FIELDS, method);

/**
 * challenge/verify: `method` (sms | backup | authenticator | passkey) with `code`, `backupCode` or
 * `response` (a passkey's answer, JSON),
 * `trustDevice`, `timeZone`. Right: the session starts.
 */
export const verifyChallengeStep: Step = async (input) => {
  const method = input.form instanceof FormData ? input.form.get("method") : null;
  if (!isMethod(method)) return answer({ ok: false, error: ERROR_MESSAGES.INVALID_INPUT }, { status: 400 });
  const form = validateForm(FORMS[method], input.form);
  if (!form.ok) return answer(form.state, { status: 400 });
  const { deps } = input;
  // The core checks the pending sign-in's stage and standing itself, inside its own statements.
  const { cookies, paths } = flowCookiesAndPaths(deps.options);
  const pending = await cookies.pendingSignIn.read(input.cookies, deps.sessionPassword, deps.clock.now().getTime());
  const done = await completeSignInChallenge(deps, { method, pending, code: form.data.code, trustThisDevice: form.data.trustDevice, request: input.request });
  const context: TwoFactorMessageContext = { screen: "challenge", now: deps.clock.now(), timeZone: form.data.timeZone };
  const { cookies: set, redirectTo } = done;
  if (done.ok) return answer({ ok: true, message: "Verified. Signing you in…" }, { cookies: set, redirectTo });
  if (done.code === "SESSION_EXPIRED") {
    const status = redirectTo === paths.signInExpired ? 401 : 409;
    return answer({ ok: false, error: twoFactorMessage({ code: "SESSION_EXPIRED" }, context) }, { cookies: set, redirectTo, status });
  }
  if (done.code === "SIGN_IN_ENDED") return answer({ ok: false, error: twoFactorMessage(done.failure, context) }, { cookies: set, redirectTo, status: 401 });
  if (done.code === "LOCKED") return answer({ ok: false, error: twoFactorMessage(done.failure, context), lockedUntil: done.failure.lockedUntil.toISOString() }, { cookies: set });
  return answer({ ok: false, fieldErrors: { [FIELDS[method]]: twoFactorMessage(done.failure, context) } }, { cookies: set });
};

/** challenge/resend: a new code to the member's phone; the old one stops working. */
export const resendChallengeStep = formStep({
  schema: z.object({}),
  who: pendingSignIn("challenge"),
  async run(input) {
    const { deps } = input;
    const sent = await resendSignInCode(deps, input.who, input.request);
    if (!sent.ok && sent.code === "SIGN_IN_ENDED") return signInEndedAnswer(input, "challenge");
    if (!sent.ok) {
      const now = deps.clock.now();
      const resendAt = sent.code === "RESEND_TOO_SOON" && sent.retryAfterMs ? new Date(now.getTime() + sent.retryAfterMs).toISOString() : undefined;
      const lockedUntil = sent.code === "LOCKED" ? sent.lockedUntil.toISOString() : undefined;
      return answer({ ok: false, error: twoFactorMessage(sent, messageContext("challenge", now, input.form)), resendAt, lockedUntil });
    }
    return answer({ ok: true, message: `We sent a new code to ${sent.phoneMasked}. The previous code no longer works.`, resendAt: sent.resendAt.toISOString() });
  },
});

/** sign-in/cancel: ends the pending sign-in (its cookie goes) and goes back to sign-in. */
export const cancelSignInStep = formStep({
  schema: z.object({}),
  who: anyone,
  async run({ deps }) {
    const { cookies, paths } = flowCookiesAndPaths(deps.options);
    return answer({ ok: true }, { cookies: [cookies.pendingSignIn.clear()], redirectTo: paths.signIn });
  },
});
