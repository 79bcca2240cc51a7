import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { and, eq, sql } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import type { TwoFactorDb } from "./db";
import { lockedFailure, recordSecondFactorFailure, recordSecondFactorSuccess, type LockedFailure } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { consumePasskeyChallenge } from "./passkey-challenge";
import { relyingPartyOf } from "./passkey-relying-party";
import { parseAuthenticationAnswer } from "./passkey-response";
import { passkeys, twoFactorUsers } from "./schema";

export type PasskeyAssertionFailure =
  | Failure<"PASSKEYS_UNAVAILABLE" | "NO_PASSKEY_REQUEST" | "SIGN_IN_ENDED">
  /** triesLeft: before the lock; absent for an answer not even shaped as one (it counts no try). */
  | (Failure<"PASSKEY_NOT_ACCEPTED"> & { triesLeft?: number })
  | LockedFailure;

export interface PasskeyAssertionInput {
  userId: string;
  /** The browser's answer (startAuthentication's), as JSON. */
  answer: string;
  purpose: "sign_in" | "confirm";
  /** The attempt the request was bound to: the pending sign-in's nonce, or the session's. */
  attemptNonce: string;
  request: RequestInfo | null;
  organizationId: string | null;
  /** At sign-in: when the pending sign-in began; refused once something ended it. */
  pendingSince?: number;
}

export interface AcceptedPasskey {
  ok: true;
  email: string;
  passkey: { id: string; name: string; deviceType: string };
}

type Refusal = "unknown_credential" | "not_verified" | "counter";

/**
 * Checks a passkey's answer, in the caller's transaction `db`: the user's row is locked first (tries
 * are judged one at a time per user, the lock checked before anything), the challenge is spent
 * (single use, bound to this attempt and purpose), the credential must be one of this user's, its
 * signature, origin, RP id and user verification are checked by @simplewebauthn/server, and its
 * signature counter must have gone up (when either is non-zero): a counter that did not is a
 * cloned authenticator's, refused and audited. The counter and last use are then written by a
 * conditional UPDATE (a concurrent answer with the same counter loses). A refusal counts toward
 * the lock as a wrong code does.
 */
export async function acceptPasskeyAssertion(db: TwoFactorDb, deps: TwoFactorDeps, input: PasskeyAssertionInput): Promise<AcceptedPasskey | PasskeyAssertionFailure> {
  const rp = relyingPartyOf(deps.options);
  if ("ok" in rp) return rp;
  const parsed = parseAuthenticationAnswer(input.answer);
  if (!parsed) return failure("PASSKEY_NOT_ACCEPTED");
  const now = deps.clock.now();
  const [user] = await db
    .select({ email: twoFactorUsers.email, lockedUntil: twoFactorUsers.secondFactorLockedUntil, endedAt: twoFactorUsers.pendingSignInsValidAfter })
    .from(twoFactorUsers)
    .where(eq(twoFactorUsers.id, input.userId))
    .for("update");
  if (!user) return failure("SIGN_IN_ENDED");
  if (input.pendingSince !== undefined && user.endedAt && input.pendingSince < user.endedAt.getTime()) return failure("SIGN_IN_ENDED");
  if (user.lockedUntil && user.lockedUntil > now) return lockedFailure(user.lockedUntil, now);
  const binding = { userId: input.userId, purpose: input.purpose, attemptNonce: input.attemptNonce };
  if (!(await consumePasskeyChallenge(db, binding, parsed.challenge, now))) return failure("NO_PASSKEY_REQUEST");
  const audit = { organizationId: input.organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: now };
  const refuse = async (reason: Refusal, name?: string): Promise<PasskeyAssertionFailure> => {
    const { lockedUntil, triesLeft } = await recordSecondFactorFailure(db, input.userId, now, deps.options);
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.passkey_refused", details: { reason, purpose: input.purpose, triesLeft, ...(name ? { name } : {}) } });
    if (!lockedUntil) return { ...failure("PASSKEY_NOT_ACCEPTED"), triesLeft };
    await recordTwoFactorEvent(db, { ...audit, type: "two_factor.locked", details: { until: lockedUntil.toISOString() } });
    return lockedFailure(lockedUntil, now, user.email);
  };
  const [passkey] = await db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.credentialId, parsed.answer.id), eq(passkeys.userId, input.userId)))
    .limit(1);
  if (!passkey || parsed.answer.rawId !== parsed.answer.id) return refuse("unknown_credential");
  const verified = await verifyAuthenticationResponse({
    response: parsed.answer,
    expectedChallenge: parsed.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: true,
    // The counter is judged below, so that a clone is told apart from a bad signature.
    credential: {
      id: passkey.credentialId,
      publicKey: isoBase64URL.toBuffer(passkey.publicKey),
      counter: 0,
      transports: passkey.transports,
    },
  }).catch(() => null);
  if (!verified?.verified) return refuse("not_verified", passkey.name);
  const counter = verified.authenticationInfo.newCounter;
  const stored = Number(passkey.counter);
  if ((counter > 0 || stored > 0) && counter <= stored) return refuse("counter", passkey.name);
  const moved = await db
    .update(passkeys)
    .set({ counter, lastUsedAt: now, backedUp: verified.authenticationInfo.credentialBackedUp })
    .where(and(eq(passkeys.id, passkey.id), sql`(${passkeys.counter} < ${counter} or (${passkeys.counter} = 0 and ${counter} = 0))`))
    .returning({ id: passkeys.id });
  if (moved.length === 0) return refuse("counter", passkey.name);
  await recordSecondFactorSuccess(db, input.userId, now);
  await recordTwoFactorEvent(db, { ...audit, type: "two_factor.passkey_used", details: { name: passkey.name, purpose: input.purpose } });
  return { ok: true, email: user.email, passkey: { id: passkey.id, name: passkey.name, deviceType: passkey.deviceType } };
}
