import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import { matchingSteps, parseAuthenticatorCodeInput } from "./authenticator-code";
import { authenticatorEnrolment, newAuthenticatorSecret, openAuthenticatorSecret, sealAuthenticatorSecret, type AuthenticatorEnrolment } from "./authenticator-secret";
import { lockedFailure, recordSecondFactorFailure, recordSecondFactorSuccess, type LockedFailure } from "./lockout";
import { loadStateForRemoval, refuseRemovingLastMethod, type MethodRemovalRefusal } from "./method-removal";
import type { TwoFactorDeps } from "./options";
import { forgetPreferred } from "./preferred-method";
import { authenticatorApps, twoFactorUsers } from "./schema";

type Input = { userId: string; request: RequestInfo | null };

export type AuthenticatorSetupStart = AuthenticatorEnrolment & { ok: true; expiresAt: Date };

/**
 * "Set up an authenticator app": a new secret, kept encrypted and unconfirmed (it replaces an
 * unconfirmed one of the user, in one upsert, so concurrent starts leave one), and what the page
 * shows: the secret as text, the otpauth:// URI (issuer: the `appName` option, account: the
 * user's email) and its QR code. An app already confirmed keeps working until a code confirms this one.
 */
export async function beginAuthenticatorSetup(deps: TwoFactorDeps, input: Input): Promise<AuthenticatorSetupStart> {
  const now = deps.clock.now();
  const [user] = await deps.db.select({ email: twoFactorUsers.email }).from(twoFactorUsers).where(eq(twoFactorUsers.id, input.userId)).limit(1);
  if (!user) throw new Error("user vanished before the authenticator setup");
  const secret = newAuthenticatorSecret();
  const secretCiphertext = sealAuthenticatorSecret(deps.authenticatorKey, input.userId, secret);
  await deps.db
    .insert(authenticatorApps)
    .values({ userId: input.userId, secretCiphertext, createdAt: now })
    .onConflictDoUpdate({
      target: authenticatorApps.userId,
      targetWhere: sql`confirmed_at is null`,
      set: { secretCiphertext, createdAt: now, attempts: 0 },
    });
  return { ok: true, ...authenticatorEnrolment(secret, deps.options.appName, user.email), expiresAt: new Date(now.getTime() + deps.options.authenticatorSetupTtlMs) };
}

export type AuthenticatorSetupFailure =
  | Failure<"INVALID_CODE_FORMAT">
  /** triesLeft: for this setup; at 0 it is void (NO_AUTHENTICATOR_SETUP from then on). */
  | (Failure<"INVALID_AUTHENTICATOR_CODE"> & { triesLeft: number })
  /** None begun, expired, used up by wrong codes, or already confirmed. */
  | Failure<"NO_AUTHENTICATOR_SETUP">
  | LockedFailure;
export type AuthenticatorSetupCompletion = { ok: true; replaced: boolean; email: string } | AuthenticatorSetupFailure;

/**
 * "Verify" on the setup page: the app is saved as confirmed only when the code is one of the new
 * secret's (one step of drift either way), replacing the app confirmed before, if any. The code's
 * step is its first used one: the same code does not sign in afterwards. As the SMS setup code, the
 * setup takes `maxTriesPerCode` wrong codes before it is void and each counts toward the lock.
 * The user's row and the setup's are locked first: tries are judged one at a time per user.
 * It does not turn two-step authentication on nor make backup codes: the pages that offer it decide.
 */
export function confirmAuthenticatorSetup(deps: TwoFactorDeps, input: Input & { code: string }): Promise<AuthenticatorSetupCompletion> {
  const parsed = parseAuthenticatorCodeInput(input.code);
  if (!parsed.ok) return Promise.resolve(failure("INVALID_CODE_FORMAT"));
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const { userId } = input;
    const [user] = await db
      .select({ email: twoFactorUsers.email, lockedUntil: twoFactorUsers.secondFactorLockedUntil })
      .from(twoFactorUsers)
      .where(eq(twoFactorUsers.id, userId))
      .for("update");
    if (!user) return failure("NO_AUTHENTICATOR_SETUP");
    if (user.lockedUntil && user.lockedUntil > now) return lockedFailure(user.lockedUntil, now);
    const [setup] = await db
      .select()
      .from(authenticatorApps)
      .where(and(eq(authenticatorApps.userId, userId), isNull(authenticatorApps.confirmedAt)))
      .for("update");
    const { maxTriesPerCode, authenticatorSetupTtlMs } = deps.options;
    if (!setup || setup.attempts >= maxTriesPerCode || now.getTime() - setup.createdAt.getTime() >= authenticatorSetupTtlMs) return failure("NO_AUTHENTICATOR_SETUP");
    const secret = openAuthenticatorSecret(deps.authenticatorKey, userId, setup.secretCiphertext);
    if (!secret) throw new Error("an authenticator app secret does not open with the configured key");
    const [step] = matchingSteps(secret, parsed.code, now);
    const { organizationId } = await deps.host.organizationPolicy(db, userId);
    const audit = { organizationId, actorUserId: userId, subjectUserId: userId, request: input.request, at: now };
    if (step === undefined) {
      const attempts = setup.attempts + 1;
      const triesLeft = Math.max(maxTriesPerCode - attempts, 0);
      if (triesLeft === 0) await db.delete(authenticatorApps).where(eq(authenticatorApps.id, setup.id));
      else await db.update(authenticatorApps).set({ attempts }).where(eq(authenticatorApps.id, setup.id));
      const { lockedUntil } = await recordSecondFactorFailure(db, userId, now, deps.options);
      await recordTwoFactorEvent(db, { ...audit, type: "two_factor.authenticator_code_failed", details: { purpose: "setup", triesLeft } });
      if (!lockedUntil) return { ...failure("INVALID_AUTHENTICATOR_CODE"), triesLeft };
      await recordTwoFactorEvent(db, { ...audit, type: "two_factor.locked", details: { until: lockedUntil.toISOString() } });
      return lockedFailure(lockedUntil, now, user.email);
    }
    const replaced = await db
      .delete(authenticatorApps)
      .where(and(eq(authenticatorApps.userId, userId), isNotNull(authenticatorApps.confirmedAt)))
      .returning({ id: authenticatorApps.id });
    await db.update(authenticatorApps).set({ confirmedAt: now, lastUsedStep: step, lastUsedAt: now }).where(eq(authenticatorApps.id, setup.id));
    await recordSecondFactorSuccess(db, userId, now);
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.authenticator_added", details: { replaced: replaced.length > 0 } });
    return { ok: true as const, replaced: replaced.length > 0, email: user.email };
  });
}

/**
 * Removes the user's authenticator app (and a setup under way), only while another method remains
 * (`refuseRemovingLastMethod`, judged with the user's row locked); NO_AUTHENTICATOR_APP when none
 * was confirmed. `email`: the member's, for the notice.
 */
export function removeAuthenticatorApp(
  deps: TwoFactorDeps,
  input: Input,
): Promise<{ ok: true; email: string } | Failure<"NO_AUTHENTICATOR_APP"> | MethodRemovalRefusal> {
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const state = await loadStateForRemoval({ db, host: deps.host }, input.userId, now);
    if (!state) throw new Error("user vanished while removing the authenticator app");
    const refused = state.methods.authenticator ? refuseRemovingLastMethod(state, "authenticator") : null;
    if (refused) return refused;
    const removed = await db.delete(authenticatorApps).where(eq(authenticatorApps.userId, input.userId)).returning({ confirmedAt: authenticatorApps.confirmedAt });
    if (!removed.some((app) => app.confirmedAt)) return failure("NO_AUTHENTICATOR_APP");
    await db.update(twoFactorUsers).set(forgetPreferred("authenticator")).where(eq(twoFactorUsers.id, input.userId));
    const user = { email: state.email };
    await recordTwoFactorEvent(db, {
      type: "two_factor.authenticator_removed",
      organizationId: state.organizationId,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      at: now,
    });
    return { ok: true as const, email: user.email };
  });
}

/** The user's confirmed app for the Security page: when it was added and last used, or null. */
export async function loadAuthenticatorApp(deps: Pick<TwoFactorDeps, "db">, userId: string): Promise<{ addedAt: Date; lastUsedAt: Date | null } | null> {
  const [app] = await deps.db
    .select({ addedAt: authenticatorApps.confirmedAt, lastUsedAt: authenticatorApps.lastUsedAt })
    .from(authenticatorApps)
    .where(and(eq(authenticatorApps.userId, userId), isNotNull(authenticatorApps.confirmedAt)))
    .limit(1);
  return app?.addedAt ? { addedAt: app.addedAt, lastUsedAt: app.lastUsedAt } : null;
}
