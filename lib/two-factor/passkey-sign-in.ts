import { generateAuthenticationOptions } from "@simplewebauthn/server";
import { eq } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import { recordTwoFactorEvent } from "./audit";
import type { AuthMethod } from "./auth-methods";
import { secondFactorLockedUntil, lockedFailure, type LockedFailure } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { acceptPasskeyAssertion, type PasskeyAssertionFailure } from "./passkey-assertion";
import { issuePasskeyChallenge } from "./passkey-challenge";
import { relyingPartyOf } from "./passkey-relying-party";
import { firstFactorOf, type PendingSignIn } from "./pending-sign-in";
import { loadPendingStanding } from "./pending-standing";
import { passkeys } from "./schema";
import { finishSignIn, organizationOfPending, type CompleteInput, type SecondFactorCompletion } from "./sign-in";

export type PasskeyRequestOptions = Awaited<ReturnType<typeof generateAuthenticationOptions>>;

/** The amr of a passkey (RFC 8176): "hwk" for a key kept on one device, "swk" for a synced one. */
export const passkeyMethod = (deviceType: string): AuthMethod => (deviceType === "multiDevice" ? "swk" : "hwk");

/**
 * "Use a passkey or security key" on the challenge: what `navigator.credentials.get` is asked
 * (through startAuthentication): a new challenge bound to this pending sign-in, the user's own
 * passkeys allowed, user verification required.
 */
export async function beginPasskeySignIn(
  deps: TwoFactorDeps,
  pending: PendingSignIn,
): Promise<{ ok: true; options: PasskeyRequestOptions } | Failure<"PASSKEYS_UNAVAILABLE" | "NO_PASSKEY" | "SIGN_IN_ENDED"> | LockedFailure> {
  const rp = relyingPartyOf(deps.options);
  if ("ok" in rp) return rp;
  if ((await loadPendingStanding(deps.db, pending)) === "ended") return failure("SIGN_IN_ENDED");
  const now = deps.clock.now();
  const lockedUntil = await secondFactorLockedUntil(deps.db, pending.userId, now);
  if (lockedUntil) return lockedFailure(lockedUntil, now);
  const own = await deps.db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, pending.userId));
  if (own.length === 0) return failure("NO_PASSKEY");
  const { bytes } = await issuePasskeyChallenge(deps.db, { userId: pending.userId, purpose: "sign_in", attemptNonce: pending.nonce }, now, deps.options);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: bytes,
    timeout: deps.options.passkeyChallengeTtlMs,
    userVerification: "required",
    allowCredentials: own.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  return { ok: true, options };
}

export type PasskeyCompletion = Extract<SecondFactorCompletion, { ok: true }> | PasskeyAssertionFailure;

/**
 * The challenge answered with a passkey (`input.code`: the browser's answer as JSON), in one
 * transaction: the assertion's checks and writes, the sign-in's success event, and "Trust this
 * device" when asked; the session then starts through the same completion as the other methods.
 */
export async function completeWithPasskey(deps: TwoFactorDeps, input: CompleteInput): Promise<PasskeyCompletion> {
  const organizationId = await organizationOfPending(deps, input.pending);
  return deps.db.transaction(async (db): Promise<PasskeyCompletion> => {
    const accepted = await acceptPasskeyAssertion(db, deps, {
      userId: input.pending.userId,
      answer: input.code,
      purpose: "sign_in",
      attemptNonce: input.pending.nonce,
      request: input.request,
      organizationId,
      pendingSince: input.pending.createdAt,
    });
    if (!accepted.ok) return accepted;
    const amr: AuthMethod[] = [firstFactorOf(input.pending), passkeyMethod(accepted.passkey.deviceType)];
    const { userId } = input.pending;
    await recordTwoFactorEvent(db, { organizationId, actorUserId: userId, subjectUserId: userId, request: input.request, at: deps.clock.now(), type: "sign_in.second_factor_succeeded", details: { amr } });
    return finishSignIn(db, deps, input, { email: accepted.email, organizationId }, amr, null);
  });
}
