import { loadAuthenticatorApp } from "./authenticator-app";
import { challengeStatus } from "./challenge-status";
import type { TwoFactorDeps } from "./options";
import type { PendingSignIn } from "./pending-sign-in";
import { loadSecondFactorState } from "./policy";
import { hasPasskey } from "./passkeys";
import { maskPhone } from "./phone-number";

/**
 * For the challenge page: the masked phone, whether a code was texted for this sign-in (a failed
 * send leaves no challenge), when "Resend code" opens, until when the second factor is locked, and
 * whether the member has an authenticator app or a passkey to offer (a passkey only where the host
 * set passkeys up: `passkeyRpId`).
 */
export async function twoFactorPageStatus(deps: Pick<TwoFactorDeps, "db" | "host" | "clock" | "options">, pending: PendingSignIn) {
  const { db } = deps;
  const status = await challengeStatus(db, {
    userId: pending.userId,
    purpose: "sign_in",
    attemptNonce: pending.nonce,
    resendIntervalMs: deps.options.resendIntervalMs,
  });
  const [state, app, passkey] = await Promise.all([
    loadSecondFactorState(deps, pending.userId),
    loadAuthenticatorApp(deps, pending.userId),
    deps.options.passkeyRpId ? hasPasskey(db, pending.userId) : false,
  ]);
  const now = deps.clock.now();
  return {
    phoneMasked: state?.phoneE164 ? maskPhone(state.phoneE164) : status.phoneMasked,
    resendAt: status.resendAt,
    codeSent: status.resendAt !== null,
    lockedUntil: state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : null,
    hasAuthenticatorApp: app !== null,
    hasPasskey: passkey,
  };
}
