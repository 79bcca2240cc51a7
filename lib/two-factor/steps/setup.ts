import { z } from "zod";
import { phoneField, smsCodeField } from "../fields";
import { messageContext, twoFactorMessage } from "../messages";
import { formatPhoneInternational, suggestPhoneNumber } from "../phone-number";
import { sendSetupCode } from "../setup";
import { finishSignInSetup, verifyPhoneForSignIn } from "../setup-completion";
import { pendingSignIn, signInEndedAnswer } from "./guards";
import { answer, formStep, type Step } from "./step";

// Setup during sign-in: "Send code", "Verify Phone", and "Continue" once the backup codes are stored.

/** A refused Phone number whose only fault is its separators gets "Did you mean …?". */
export function withPhoneSuggestion(step: Step): Step {
  return async (input) => {
    const done = await step(input);
    const suggested = done.state.fieldErrors?.phone ? suggestPhoneNumber(done.state.values?.phone) : null;
    return suggested ? { ...done, state: { ...done.state, suggestedPhone: suggested } } : done;
  };
}

/** setup/send: `phone`; texts a code to it. */
export const sendSetupCodeStep = withPhoneSuggestion(
  formStep({
    schema: z.object({ phone: phoneField }),
    echo: ["phone"],
    who: pendingSignIn("setup"),
    async run(input) {
      const { deps, who: pending } = input;
      const sent = await sendSetupCode(deps, { userId: pending.userId, attemptNonce: pending.nonce, phone: input.data.phone, request: input.request, signIn: pending });
      if (!sent.ok && sent.code === "SIGN_IN_ENDED") return signInEndedAnswer(input, "setup");
      if (!sent.ok) return answer({ ok: false, error: "message" in sent ? sent.message : twoFactorMessage(sent, messageContext("setup", deps.clock.now(), input.form)) });
      // The browser that just typed the number sees it in full, to catch a typo; never logged.
      return answer({ ok: true, phoneMasked: sent.phoneMasked, phoneFull: formatPhoneInternational(input.data.phone), resendAt: sent.resendAt.toISOString() });
    },
  }),
);

/** setup/verify: `code`; the phone is set up and the backup codes shown once. */
export const verifySetupCodeStep = formStep({
  schema: z.object({ code: smsCodeField }),
  who: pendingSignIn("setup"),
  async run(input) {
    const { deps } = input;
    const done = await verifyPhoneForSignIn(deps, { pending: input.who, code: input.data.code, request: input.request });
    if (!done.ok && done.code === "SIGN_IN_ENDED") return signInEndedAnswer(input, "setup");
    if (!done.ok) return answer({ ok: false, fieldErrors: { code: twoFactorMessage(done.failure, messageContext("setup", deps.clock.now(), input.form)) } }, { cookies: done.cookies });
    return answer({ ok: true, backupCodes: done.backupCodes, phoneMasked: done.phoneMasked }, { cookies: done.cookies });
  },
});

/** setup/finish: `stored` = on once the backup codes are stored; the session starts. */
export const finishSetupStep = formStep({
  schema: z.object({ stored: z.literal("on", { message: "Confirm that you have stored your backup codes." }) }),
  who: pendingSignIn("setup", { standing: true }),
  async run(input) {
    const done = await finishSignInSetup(input.deps, input.who);
    if (done.ok) return answer({ ok: true }, { cookies: done.cookies, redirectTo: done.redirectTo });
    if (done.code === "SESSION_EXPIRED") {
      const error = twoFactorMessage({ code: "SESSION_EXPIRED" }, messageContext("setup", input.deps.clock.now(), input.form));
      return answer({ ok: false, error }, { cookies: done.cookies, redirectTo: done.redirectTo, status: 401 });
    }
    return answer({ ok: false, error: "Verify your phone first." }, { cookies: done.cookies });
  },
});
