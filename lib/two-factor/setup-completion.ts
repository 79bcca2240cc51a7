import type { RequestInfo } from "../http/client-ip";
import { safeReturnPath } from "../return-path";
import { flowCookiesAndPaths, runAfterAnswer, type FlowAnswer, type TwoFactorFlowDeps } from "./flow";
import { notifyMemberOf } from "./notices";
import type { PendingSignIn } from "./pending-sign-in";
import { completePhoneSetup, type SetupCompletion } from "./setup";
import { consumeSignInTicket } from "./sign-in-ticket";

type SetupFailure = Exclude<SetupCompletion, { ok: true }>;

export type SignInSetupAnswer = FlowAnswer &
  (
    | { ok: true; backupCodes: string[]; phoneMasked: string; redirectTo: null }
    /** Something ended the sign-in: its cookie goes, the browser to sign-in. */
    | { ok: false; code: "SIGN_IN_ENDED"; failure: SetupFailure; redirectTo: string }
    /** The code was not accepted: the answer for the code's field. */
    | { ok: false; code: Exclude<SetupFailure["code"], "SIGN_IN_ENDED">; failure: SetupFailure; redirectTo: null }
  );

/**
 * "Verify Phone" during sign-in: the phone is set up (./setup.ts) and the session ticket travels
 * on in the pending sign-in's cookie until the backup codes are stored; the member is emailed.
 */
export async function verifyPhoneForSignIn(
  deps: TwoFactorFlowDeps,
  input: { pending: PendingSignIn; code: string; request: RequestInfo },
): Promise<SignInSetupAnswer> {
  const { pending } = input;
  const { cookies, paths } = flowCookiesAndPaths(deps.options);
  const done = await completePhoneSetup(deps, {
    userId: pending.userId,
    attemptNonce: pending.nonce,
    code: input.code,
    request: input.request,
    selfEnabled: false,
    signIn: pending,
  });
  if (!done.ok && done.code === "SIGN_IN_ENDED") {
    return { ok: false, code: done.code, failure: done, cookies: [cookies.pendingSignIn.clear()], redirectTo: paths.signInEnded };
  }
  if (!done.ok) return { ok: false, code: done.code, failure: done, cookies: [], redirectTo: null };
  const cookie = await cookies.pendingSignIn.set({ ...pending, ticket: done.ticket ?? undefined }, deps.sessionPassword);
  const notice = { kind: "two_factor_set_up", phoneMasked: done.phoneMasked } as const;
  await runAfterAnswer(deps, async () => void (await notifyMemberOf(deps.email, done.email, notice, deps.options.appName)));
  return { ok: true, backupCodes: done.backupCodes, phoneMasked: done.phoneMasked, cookies: [cookie], redirectTo: null };
}

export type SetupFinishAnswer = FlowAnswer &
  (
    | { ok: true; redirectTo: string }
    /** "Verify Phone" has not succeeded in this sign-in yet. */
    | { ok: false; code: "PHONE_NOT_VERIFIED"; redirectTo: null }
    /** The ticket was used, expired, or something ended the sign-in since. */
    | { ok: false; code: "SESSION_EXPIRED"; redirectTo: string }
  );

/** Once the backup codes are stored: the pending sign-in ends and the host's session starts. */
export async function finishSignInSetup(deps: TwoFactorFlowDeps, pending: PendingSignIn): Promise<SetupFinishAnswer> {
  if (!pending.ticket) return { ok: false, code: "PHONE_NOT_VERIFIED", cookies: [], redirectTo: null };
  const { cookies: flowCookies, paths } = flowCookiesAndPaths(deps.options);
  const cookies = [flowCookies.pendingSignIn.clear()];
  const now = deps.clock.now();
  const grant = await consumeSignInTicket(deps.db, pending.ticket, now);
  if (!grant) return { ok: false, code: "SESSION_EXPIRED", cookies, redirectTo: paths.signInExpired };
  cookies.push(...(await deps.startSession(grant, now)));
  const returnTo = safeReturnPath(pending.returnTo, "/", [paths.signIn, paths.twoFactor]);
  const next = returnTo === "/" ? "" : `?next=${encodeURIComponent(returnTo)}`;
  return { ok: true, cookies, redirectTo: `${paths.setupDone}${next}` };
}
