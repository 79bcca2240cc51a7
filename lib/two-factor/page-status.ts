import { getDb } from "../db/client";
import { challengeStatus } from "./challenge-status";
import { DEFAULT_TWO_FACTOR_OPTIONS } from "./options";
import type { PendingSignIn } from "./pending-sign-in";
import { loadSecondFactorState } from "./policy";
import { maskPhone } from "./phone-number";

/** For the challenge page: the masked phone and when "Resend code" opens. */
export async function twoFactorPageStatus(pending: PendingSignIn) {
  const db = await getDb();
  const status = await challengeStatus(db, {
    userId: pending.userId,
    purpose: "sign_in",
    attemptNonce: pending.nonce,
    resendIntervalMs: DEFAULT_TWO_FACTOR_OPTIONS.resendIntervalMs,
  });
  const state = await loadSecondFactorState(db, pending.userId);
  return { phoneMasked: state?.phoneE164 ? maskPhone(state.phoneE164) : status.phoneMasked, resendAt: status.resendAt };
}
