import type { TwoFactorDb } from "./db";
import { checkAuthenticatorCode, spendAuthenticatorCode, type AuthenticatorCodeFailure, type AuthenticatorCodeInput } from "./authenticator-verify";
import type { TwoFactorDeps } from "./options";
import { firstFactorOf } from "./pending-sign-in";
import { finishSignIn, organizationOfPending, type CompleteInput, type SecondFactorCompletion } from "./sign-in";
import type { AuthMethod } from "./sign-in-ticket";

export type AuthenticatorCompletion = Extract<SecondFactorCompletion, { ok: true }> | AuthenticatorCodeFailure;

/**
 * The sign-in challenge with a code of the user's authenticator app, as `completeWithSmsCode`: a
 * read, then the outcome. A right code without "Trust this device" is one statement (the step's
 * acceptance, the end of the failure run and the audit event), with it one transaction with the
 * device; a wrong code's several writes are one transaction. The session's amr names "otp".
 */
export async function completeWithAuthenticatorCode(deps: TwoFactorDeps, input: CompleteInput): Promise<AuthenticatorCompletion> {
  const amr: AuthMethod[] = [firstFactorOf(input.pending), "otp"];
  const code: AuthenticatorCodeInput = {
    userId: input.pending.userId,
    code: input.code,
    request: input.request,
    purpose: "sign_in",
    organizationId: await organizationOfPending(deps, input.pending),
    pendingSince: input.pending.createdAt,
    auditOnSuccess: { type: "sign_in.second_factor_succeeded", details: { amr } },
  };
  const checked = await checkAuthenticatorCode(deps.db, deps, code);
  if (!checked.ok) return checked;
  const spend = async (db: TwoFactorDb): Promise<AuthenticatorCompletion> => {
    const accepted = await spendAuthenticatorCode(db, deps, code, checked);
    if (!accepted.ok) return accepted;
    return finishSignIn(db, deps, input, accepted, amr, null);
  };
  if (checked.matches && !input.trustThisDevice) return spend(deps.db);
  return deps.db.transaction((tx) => spend(tx));
}
