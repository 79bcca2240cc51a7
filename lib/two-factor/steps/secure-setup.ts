import { z } from "zod";
import { authenticatorCodeField } from "../fields";
import { flowCookiesAndPaths, runAfterAnswer } from "../flow";
import { messageContext, twoFactorMessage } from "../messages";
import { notifyMemberOf } from "../notices";
import { beginSecureSetup, confirmSecureSetup, finishSecureSetup } from "../secure-setup";
import { pendingSignIn, signInEndedAnswer } from "./guards";
import { answer, formStep, type StepAnswer, type StepInput } from "./step";

// The secure_setup stage of a sign-in (issue 18): "Set up authenticator app", "Verify", and
// "Continue" once new backup codes are stored. Each acts only for this stage's pending sign-in.

async function finish(input: StepInput & { who: Parameters<typeof finishSecureSetup>[1] }): Promise<StepAnswer> {
  const done = await finishSecureSetup(input.deps, input.who);
  if (done.ok) return answer({ ok: true }, { cookies: done.cookies, redirectTo: done.redirectTo });
  if (done.code === "SESSION_EXPIRED") {
    const error = twoFactorMessage({ code: "SESSION_EXPIRED" }, messageContext("setup", input.deps.clock.now(), input.form));
    return answer({ ok: false, error }, { cookies: done.cookies, redirectTo: done.redirectTo, status: 401 });
  }
  return answer({ ok: false, error: "Set up your authenticator app first." }, { status: 409 });
}

/** secure-setup/begin: a new secret; the answer carries its text and QR code, shown to this browser only. */
export const beginSecureSetupStep = formStep({
  schema: z.object({}),
  who: pendingSignIn("secure_setup"),
  async run(input) {
    const started = await beginSecureSetup(input.deps, { pending: input.who, request: input.request });
    if (!started.ok) return signInEndedAnswer(input, "setup");
    return answer({ ok: true, authenticator: { secret: started.secret, qrSvg: started.qrSvg, expiresAt: started.expiresAt.toISOString() } });
  },
});

/**
 * secure-setup/confirm: `code` of the new app. Right: the app is saved and the member emailed;
 * with new backup codes the answer shows them (the session waits for "Continue"), else the session starts.
 */
export const confirmSecureSetupStep = formStep({
  schema: z.object({ code: authenticatorCodeField }),
  who: pendingSignIn("secure_setup"),
  async run(input) {
    const { deps, who: pending } = input;
    const done = await confirmSecureSetup(deps, { pending, code: input.data.code, request: input.request });
    if (!done.ok && done.code === "SIGN_IN_ENDED") return signInEndedAnswer(input, "setup");
    if (!done.ok) {
      const message = twoFactorMessage(done, messageContext("setup", deps.clock.now(), input.form));
      if (done.code === "NO_AUTHENTICATOR_SETUP" || done.code === "LOCKED" || (done.code === "INVALID_AUTHENTICATOR_CODE" && done.triesLeft === 0)) {
        return answer({ ok: false, error: message });
      }
      return answer({ ok: false, fieldErrors: { code: message } });
    }
    await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, done.email, { kind: "authenticator_added", replaced: false }, deps.options.appName)));
    const withTicket = { ...pending, ticket: done.ticket };
    if (done.backupCodes.length === 0) return finish({ ...input, who: withTicket });
    const { cookies } = flowCookiesAndPaths(deps.options);
    return answer({ ok: true, backupCodes: done.backupCodes }, { cookies: [await cookies.pendingSignIn.set(withTicket, deps.sessionPassword)] });
  },
});

/** secure-setup/finish: `stored` = on once the backup codes are stored; the session starts. */
export const finishSecureSetupStep = formStep({
  schema: z.object({ stored: z.literal("on", { message: "Confirm that you have stored your backup codes." }) }),
  who: pendingSignIn("secure_setup", { standing: true }),
  run: (input) => finish(input),
});
