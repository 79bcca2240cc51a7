import { z } from "zod";
import { notifyMemberOf } from "../notices";
import { phoneField, smsCodeField } from "../fields";
import { runAfterAnswer } from "../flow";
import { messageContext, twoFactorMessage } from "../messages";
import { formatPhoneInternational } from "../phone-number";
import { loadSecondFactorState } from "../policy";
import { regenerateBackupCodes, revokeOwnTrustedDevice, turnOffTwoFactor } from "../self-service";
import type { TwoFactorSession } from "../session";
import { completePhoneSetup, selfSetupNonce, sendSetupCode } from "../setup";
import { signedIn } from "./guards";
import { refusedWithoutRecentSecondFactor } from "./recent";
import { withPhoneSuggestion } from "./setup";
import { answer, formStep, type StepInput } from "./step";

// The Security page: a member's own second factor, behind their session. Changing an existing
// phone, new backup codes and turning it off also need a recent second factor.

const storedField = z.literal("on", { message: "Confirm that you have stored your backup codes." });
const securityPage = (input: StepInput, query = "") => `${input.deps.options.securityPath}${query}`;

/** The viewer's second factor; changing an existing phone, or adding one beside another method, needs a recent second factor. */
async function phoneContext(input: StepInput, session: TwoFactorSession) {
  const { deps } = input;
  const state = await loadSecondFactorState(deps, session.userId, deps.clock.now());
  const refused = state?.enrolled ? await refusedWithoutRecentSecondFactor(input, session, securityPage(input, "/phone")) : null;
  const hasPhone = Boolean(state?.methods.sms);
  const screen = hasPhone ? ("change-phone" as const) : ("setup" as const);
  const attemptNonce = selfSetupNonce({ user: { id: session.userId }, authTime: session.authTime }, hasPhone);
  return { state, refused, screen, attemptNonce };
}

/** security/send: `phone`; a first setup, or a phone change (no backup code verifies a new number). */
export const sendSelfSetupCodeStep = withPhoneSuggestion(
  formStep({
    schema: z.object({ phone: phoneField }),
    echo: ["phone"],
    who: signedIn,
    async run(input) {
      const { deps, who: session } = input;
      const { refused, screen, attemptNonce } = await phoneContext(input, session);
      if (refused) return refused;
      const sent = await sendSetupCode(deps, { userId: session.userId, attemptNonce, phone: input.data.phone, request: input.request });
      if (!sent.ok) return answer({ ok: false, error: "message" in sent ? sent.message : twoFactorMessage(sent, messageContext(screen, deps.clock.now(), input.form)) });
      // The browser that just typed the number sees it in full, to catch a typo; never logged.
      return answer({ ok: true, phoneMasked: sent.phoneMasked, phoneFull: formatPhoneInternational(input.data.phone), resendAt: sent.resendAt.toISOString() });
    },
  }),
);

/** security/verify: `code`; the phone is set up (or changed) and new backup codes shown once. */
export const verifySelfSetupCodeStep = formStep({
  schema: z.object({ code: smsCodeField }),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const { state, refused, screen, attemptNonce } = await phoneContext(input, session);
    if (refused) return refused;
    const done = await completePhoneSetup(deps, {
      userId: session.userId,
      attemptNonce,
      code: input.data.code,
      request: input.request,
      // Set up because the organization requires it (e.g. during its grace period) is not "turned on by the member".
      selfEnabled: Boolean(state?.selfEnabled || !state?.requiredByOrganization),
      signIn: null,
    });
    if (!done.ok) return answer({ ok: false, fieldErrors: { code: twoFactorMessage(done, messageContext(screen, deps.clock.now(), input.form)) } });
    const notice = done.phoneChanged
      ? ({ kind: "phone_changed", phoneMasked: done.phoneMasked } as const)
      : done.phoneAdded
        ? ({ kind: "phone_added", phoneMasked: done.phoneMasked } as const)
        : ({ kind: "two_factor_set_up", phoneMasked: done.phoneMasked } as const);
    await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, done.email, notice, deps.options.appName)));
    return answer({ ok: true, backupCodes: done.backupCodes, phoneMasked: done.phoneMasked });
  },
});

/** security/finish-setup, security/finish-phone and security/finish-phone-add: `stored` = on; back to the Security page, which says what changed. */
export const finishSelfSetupStep = formStep({ schema: z.object({ stored: storedField }), who: signedIn, run: async (input) => answer({ ok: true }, { redirectTo: securityPage(input, "?enabled=1") }) });
export const finishPhoneChangeStep = formStep({ schema: z.object({ stored: storedField }), who: signedIn, run: async (input) => answer({ ok: true }, { redirectTo: securityPage(input, "?phone=1") }) });
export const finishPhoneAddStep = formStep({ schema: z.object({ stored: storedField }), who: signedIn, run: async (input) => answer({ ok: true }, { redirectTo: securityPage(input, "?phone-added=1") }) });

/** security/backup-codes: a new set; the old one stops working. */
export const regenerateBackupCodesStep = formStep({
  schema: z.object({}),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedWithoutRecentSecondFactor(input, session, securityPage(input, "?resume=new-backup-codes"));
    if (refused) return refused;
    const done = await regenerateBackupCodes(deps, { userId: session.userId, request: input.request });
    if (!done.ok) return answer({ ok: false, error: twoFactorMessage(done, messageContext("security", deps.clock.now())) });
    return answer({ ok: true, backupCodes: done.codes, message: "New backup codes created. The old codes no longer work." });
  },
});

/** security/turn-off: two-step authentication off for one's own account, where the organization does not require it. */
export const turnOffTwoFactorStep = formStep({
  schema: z.object({}),
  who: signedIn,
  async run(input) {
    const { deps, who: session } = input;
    const refused = await refusedWithoutRecentSecondFactor(input, session, securityPage(input, "?resume=turn-off"));
    if (refused) return refused;
    const done = await turnOffTwoFactor(deps, { userId: session.userId, request: input.request });
    if (!done.ok) return answer({ ok: false, error: twoFactorMessage(done, messageContext("security", deps.clock.now())) });
    return answer({ ok: true }, { redirectTo: securityPage(input, "?off=1") });
  },
});

/** security/revoke-device: `deviceId`, one of the member's own trusted devices. */
export const revokeDeviceStep = formStep({
  schema: z.object({ deviceId: z.string().min(1).max(64) }),
  who: signedIn,
  async run(input) {
    const revoked = await revokeOwnTrustedDevice(input.deps, { userId: input.who.userId, deviceId: input.data.deviceId, request: input.request });
    if (!revoked) return answer({ ok: false, error: "That device is not one of your trusted devices." });
    return answer({ ok: true }, { redirectTo: securityPage(input, "?revoked=1") });
  },
});
