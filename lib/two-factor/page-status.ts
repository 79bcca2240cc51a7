import { challengeStatus } from "./challenge-status";
import { offeredMethods } from "./methods";
import type { TwoFactorDeps } from "./options";
import type { PendingSignIn } from "./pending-sign-in";
import { loadSecondFactorState } from "./policy";
import { maskPhone } from "./phone-number";

/**
 * For the challenge page: the masked phone, whether a code was texted for this sign-in (none is
 * when the challenge opens with another method, and a failed send leaves no challenge), when
 * "Resend code" opens, until when the second factor is locked, and the methods to offer in order
 * (`challengeMethods`: the first is the one the page opens with; the backup code is last; a
 * passkey only where the host set passkeys up: `passkeyRpId`).
 */
export async function twoFactorPageStatus(deps: Pick<TwoFactorDeps, "db" | "host" | "clock" | "options">, pending: PendingSignIn) {
  const { db } = deps;
  const now = deps.clock.now();
  const [status, state] = await Promise.all([
    challengeStatus(db, {
      userId: pending.userId,
      purpose: "sign_in",
      attemptNonce: pending.nonce,
      resendIntervalMs: deps.options.resendIntervalMs,
    }),
    loadSecondFactorState(deps, pending.userId, now),
  ]);
  const methods = offeredMethods(deps, state, now);
  return {
    phoneMasked: state?.phoneE164 ? maskPhone(state.phoneE164) : status.phoneMasked,
    resendAt: status.resendAt,
    codeSent: status.resendAt !== null,
    lockedUntil: state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : null,
    methods,
    hasAuthenticatorApp: methods.includes("authenticator"),
    hasPasskey: methods.includes("passkey"),
  };
}
