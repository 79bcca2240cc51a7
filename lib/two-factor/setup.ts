import { eq } from "drizzle-orm";
import { recordTwoFactorEvent } from "./audit";
import { issueSignInTicket } from "./sign-in-ticket";
import { twoFactorUsers } from "./schema";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { replaceBackupCodes } from "./backup-codes";
import { voidLiveCodes } from "./code-consumption";
import type { TwoFactorDeps } from "./options";
import { maskPhone, parsePhoneInput } from "./phone-number";
import { firstFactorOf, type PendingSignIn } from "./pending-sign-in";
import { endPendingSignIns, loadPendingStanding } from "./pending-standing";
import { loadSecondFactorState } from "./policy";
import { sendSmsCode, type SendCodeResult } from "./send-code";
import { setsUpSecureMethod, smsNotAccepted } from "./sms-acceptance";
import { revokeTrustedDevices } from "./trusted-devices";
import { verifySmsCode, type VerifyCodeFailure } from "./verify-code";

export type SetupSendResult = SendCodeResult | (Failure<"INVALID_PHONE"> & { message: string }) | Failure<"SIGN_IN_ENDED" | "SMS_NOT_ACCEPTED">;

/** The pending sign-in a setup step belongs to; null on the Security page (a session, not a sign-in). */
export type SetupSignIn = Pick<PendingSignIn, "userId" | "createdAt" | "stage" | "ticket" | "firstFactor"> | null;

/**
 * The attempt a Security-page code belongs to (a sign-in's is its pending sign-in's nonce): bound
 * to the session (its user and issue time) and to the flow, so a first setup and a later phone
 * change are separate attempts, and a code texted for one session works in no other.
 */
export function selfSetupNonce(session: { user: { id: string }; authTime: number }, enrolled: boolean): string {
  return `${enrolled ? "change-phone" : "self-setup"}:${session.user.id}:${session.authTime}`;
}

/** "Send code": checks the number against the article's rule, then texts a code to it. */
export async function sendSetupCode(
  deps: TwoFactorDeps,
  input: { userId: string; attemptNonce: string; phone: unknown; request: RequestInfo; signIn?: SetupSignIn },
): Promise<SetupSendResult> {
  const phone = parsePhoneInput(input.phone);
  if (!phone.ok) return { ...failure("INVALID_PHONE"), message: phone.message };
  if (input.signIn && (await loadPendingStanding(deps.db, input.signIn)) === "ended") return failure("SIGN_IN_ENDED");
  const state = await loadSecondFactorState(deps, input.userId, deps.clock.now());
  // Issue 18 policy: a sign-in's setup in a secure-methods-only organization sets up no phone.
  if (input.signIn && state && setsUpSecureMethod(state)) return smsNotAccepted();
  const sent = await sendSmsCode(deps, {
    userId: input.userId,
    organizationId: state?.organizationId ?? null,
    purpose: "setup",
    attemptNonce: input.attemptNonce,
    phoneE164: phone.e164,
    request: input.request,
  });
  if (sent.ok) {
    await recordTwoFactorEvent(deps.db, {
      type: "two_factor.phone_added",
      organizationId: state?.organizationId ?? null,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      details: { phone: maskPhone(phone.e164) },
      at: deps.clock.now(),
    });
  }
  return sent;
}

export type SetupCompletion =
  | { ok: true; backupCodes: string[]; ticket: string | null; phoneMasked: string; email: string; phoneChanged: boolean; phoneAdded: boolean }
  | VerifyCodeFailure
  | Failure<"SMS_NOT_ACCEPTED">;

/**
 * "Verify Phone": the code proves the number; in one transaction the phone is marked verified,
 * two-step authentication is enabled, a fresh set of backup codes replaces any old one and, during
 * sign-in, the session ticket is issued. A failure anywhere leaves none of it behind.
 * During sign-in the user's row is locked first and the step acts only while its pending sign-in
 * stands: never once the user has a second factor (replacing one is the Security page's
 * change-phone flow, behind a session and a recent second factor), nor after anything ended it.
 * A phone change ends the user's other pending sign-ins.
 */
export function completePhoneSetup(
  deps: TwoFactorDeps,
  input: { userId: string; attemptNonce: string; code: string; request: RequestInfo; selfEnabled: boolean; signIn: SetupSignIn },
): Promise<SetupCompletion> {
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    if (input.signIn && (await loadPendingStanding(db, input.signIn, { forUpdate: true })) === "ended") return failure("SIGN_IN_ENDED");
    const state = await loadSecondFactorState({ db, host: deps.host }, input.userId, now);
    const organizationId = state?.organizationId ?? null;
    if (input.signIn && state && setsUpSecureMethod(state)) return smsNotAccepted();
    const verified = await verifySmsCode(db, deps, {
      userId: input.userId,
      purpose: "setup",
      attemptNonce: input.attemptNonce,
      code: input.code,
      request: input.request,
      organizationId,
    });
    if (!verified.ok) return verified;
    await db
      .update(twoFactorUsers)
      .set({
        phoneE164: verified.phoneE164,
        phoneVerifiedAt: now,
        twoFactorEnabledAt: now,
        ...(input.selfEnabled ? { twoFactorSelfEnabled: true } : {}),
      })
      .where(eq(twoFactorUsers.id, input.userId));
    await revokeTrustedDevices(db, input.userId, now);
    if (state?.enrolled) await endPendingSignIns(db, input.userId, now);
    // Codes still live on a previous number stop working with the change.
    await voidLiveCodes(db, input.userId, now);
    const backupCodes = await replaceBackupCodes(db, input.userId, deps.options.backupCodeCount, now);
    const audit = { organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: now };
    const phoneMasked = maskPhone(verified.phoneE164);
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.phone_verified", details: { phone: phoneMasked } });
    const hadPhone = Boolean(state?.methods.sms);
    // SMS added beside another method (an authenticator app): two-step authentication was on already.
    const phoneAdded = !hadPhone && Boolean(state?.enrolled);
    if (hadPhone) await recordTwoFactorEvent(db, { ...audit, type: "two_factor.phone_changed", details: { phone: phoneMasked } });
    else if (!phoneAdded) await recordTwoFactorEvent(db, { ...audit, type: "two_factor.enabled", details: { selfEnabled: input.selfEnabled } });
    const ticket = input.signIn
      ? await issueSignInTicket(db, input.userId, [firstFactorOf(input.signIn), "sms"], now, deps.options.pendingSignInTtlMs)
      : null;
    return { ok: true as const, backupCodes, ticket, phoneMasked, email: state?.email ?? "", phoneChanged: hadPhone, phoneAdded };
  });
}
