import { z } from "zod";
import type { ActionState } from "@/lib/action";
import { applyCookies, readPendingSignIn, requestHost } from "@/lib/auth/cookies";
import type { RequestInfo } from "@/lib/http/client-ip";
import { twoFactorDeps } from "@/lib/server";
import { completeSignInChallenge, type ChallengeMethod, backupCodeField, checkboxField, smsCodeField, twoFactorMessage, type TwoFactorMessageContext } from "@/lib/two-factor";

// The sign-in challenge's second step, shared by its server actions (forms without JavaScript)
// and its route handler (the same forms with JavaScript: no page is rendered into the answer).
// The core decides (lib/two-factor/challenge-completion.ts); this edge applies its cookies and
// puts its answer in the form's words.

// `timeZone`: the browser's, so a lock or limit says when it lifts in the member's own time.
const timeZoneField = z.string().max(64).optional();
export const SMS_CODE_FORM = z.object({ code: smsCodeField, trustDevice: checkboxField, timeZone: timeZoneField });
export const BACKUP_CODE_FORM = z.object({ backupCode: backupCodeField, trustDevice: checkboxField, timeZone: timeZoneField });

const FIELDS = { sms: "code", backup: "backupCode" } as const satisfies Record<ChallengeMethod, string>;
export type { ChallengeMethod };

/** Checks the code of the pending sign-in and, when it is right, starts the session. */
export async function completeChallenge(
  method: ChallengeMethod,
  code: string,
  trustThisDevice: boolean,
  request: RequestInfo,
  timeZone?: string,
): Promise<ActionState> {
  const deps = await twoFactorDeps(await requestHost());
  const context: TwoFactorMessageContext = { screen: "challenge", now: deps.clock.now(), timeZone };
  const pending = await readPendingSignIn();
  const done = await completeSignInChallenge(deps, { method, pending, code, trustThisDevice, request });
  await applyCookies(done.cookies);
  if (done.ok) return { ok: true, message: "Verified. Signing you in…", redirectTo: done.redirectTo };
  if (done.code === "SESSION_EXPIRED") return { ok: false, error: twoFactorMessage({ code: "SESSION_EXPIRED" }, context), redirectTo: done.redirectTo };
  if (done.code === "SIGN_IN_ENDED") return { ok: false, error: twoFactorMessage(done.failure, context), redirectTo: done.redirectTo };
  if (done.code === "LOCKED") return { ok: false, error: twoFactorMessage(done.failure, context), lockedUntil: done.failure.lockedUntil.toISOString() };
  return { ok: false, fieldErrors: { [FIELDS[method]]: twoFactorMessage(done.failure, context) } };
}
