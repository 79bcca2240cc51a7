import { eq, isNull, and } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { safeReturnPath } from "../return-path";
import { recordTwoFactorEvent } from "./audit";
import { beginAuthenticatorSetup, confirmAuthenticatorSetup, type AuthenticatorSetupFailure, type AuthenticatorSetupStart } from "./authenticator-app";
import { countUnusedBackupCodes, replaceBackupCodes } from "./backup-codes";
import { flowCookiesAndPaths, type FlowAnswer, type TwoFactorFlowDeps } from "./flow";
import type { TwoFactorDeps } from "./options";
import { firstFactorOf, type PendingSignIn } from "./pending-sign-in";
import { loadPendingStanding } from "./pending-standing";
import { twoFactorUsers } from "./schema";
import { consumeSignInTicket, issueSignInTicket, type AuthMethod } from "./sign-in-ticket";

// The secure_setup stage of a sign-in (issue 18): a member of a secure-methods-only organization
// adds an authenticator app before any session begins. Only the pending sign-in's own browser
// reaches it: after the member's SMS code (`proved: "sms"`), or as a new member's first setup.
// Its standing (./pending-standing.ts) ends it once the member has a secure method, or, for a
// new member, any method: a second one is the Security page's, behind a session.

/** "Set up authenticator app" in this stage: the same setup as the Security page's. */
export async function beginSecureSetup(deps: TwoFactorDeps, input: { pending: PendingSignIn; request: RequestInfo }): Promise<AuthenticatorSetupStart | Failure<"SIGN_IN_ENDED">> {
  if ((await loadPendingStanding(deps.db, input.pending)) === "ended") return failure("SIGN_IN_ENDED");
  return beginAuthenticatorSetup(deps, { userId: input.pending.userId, request: input.request });
}

export type SecureSetupCompletion = { ok: true; ticket: string; backupCodes: string[]; email: string } | AuthenticatorSetupFailure | Failure<"SIGN_IN_ENDED">;

/** The session's methods: the first factor, the SMS code proved at the challenge (if any), the app's code. */
export const secureSetupAmr = (pending: Pick<PendingSignIn, "firstFactor" | "proved">): AuthMethod[] =>
  [firstFactorOf(pending), ...(pending.proved ? (["sms"] as const) : []), "otp"];

/**
 * "Verify" in this stage, one transaction: the pending sign-in is checked to stand with the user's
 * row locked, the app confirmed (its own rules: tries, the lock, a code's step used once), backup
 * codes made when the member has none left, two-step authentication marked on, and the session
 * ticket issued. A wrong code's tries and lock count are kept.
 */
export function confirmSecureSetup(deps: TwoFactorDeps, input: { pending: PendingSignIn; code: string; request: RequestInfo }): Promise<SecureSetupCompletion> {
  const { pending } = input;
  return deps.db.transaction(async (db) => {
    if ((await loadPendingStanding(db, pending, { forUpdate: true })) === "ended") return failure("SIGN_IN_ENDED");
    const done = await confirmAuthenticatorSetup({ ...deps, db }, { userId: pending.userId, code: input.code, request: input.request });
    if (!done.ok) return done;
    const now = deps.clock.now();
    const backupCodes = (await countUnusedBackupCodes(db, pending.userId)) > 0 ? [] : await replaceBackupCodes(db, pending.userId, deps.options.backupCodeCount, now);
    const enabled = await db
      .update(twoFactorUsers)
      .set({ twoFactorEnabledAt: now })
      .where(and(eq(twoFactorUsers.id, pending.userId), isNull(twoFactorUsers.twoFactorEnabledAt)))
      .returning({ id: twoFactorUsers.id });
    if (enabled.length > 0) {
      const { organizationId } = await deps.host.organizationPolicy(db, pending.userId);
      await recordTwoFactorEvent(db, { type: "two_factor.enabled", organizationId, actorUserId: pending.userId, subjectUserId: pending.userId, request: input.request, at: now, details: { selfEnabled: false, method: "authenticator" } });
    }
    const ticket = await issueSignInTicket(db, pending.userId, secureSetupAmr(pending), now, deps.options.pendingSignInTtlMs);
    return { ok: true as const, ticket, backupCodes, email: done.email };
  });
}

export type SecureSetupFinish = FlowAnswer & ({ ok: true; redirectTo: string } | { ok: false; code: "APP_NOT_ADDED"; redirectTo: null } | { ok: false; code: "SESSION_EXPIRED"; redirectTo: string });

/**
 * The session starts from the ticket "Verify" issued (single use, void if anything ended the
 * sign-in since); the pending sign-in ends. A new member goes to the setup-done page, a member
 * held after their SMS code to where they were going.
 */
export async function finishSecureSetup(deps: TwoFactorFlowDeps, pending: PendingSignIn): Promise<SecureSetupFinish> {
  if (!pending.ticket) return { ok: false, code: "APP_NOT_ADDED", cookies: [], redirectTo: null };
  const { cookies: flowCookies, paths } = flowCookiesAndPaths(deps.options);
  const cookies = [flowCookies.pendingSignIn.clear()];
  const now = deps.clock.now();
  const grant = await consumeSignInTicket(deps.db, pending.ticket, now);
  if (!grant) return { ok: false, code: "SESSION_EXPIRED", cookies, redirectTo: paths.signInExpired };
  cookies.push(...(await deps.startSession(grant, now)));
  const returnTo = safeReturnPath(pending.returnTo, "/", [paths.signIn, paths.twoFactor]);
  if (pending.proved) return { ok: true, cookies, redirectTo: returnTo };
  return { ok: true, cookies, redirectTo: `${paths.setupDone}${returnTo === "/" ? "" : `?next=${encodeURIComponent(returnTo)}`}` };
}
