import { generateAuthenticationOptions } from "@simplewebauthn/server";
import { eq } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import type { TwoFactorDb } from "./db";
import { lockedFailure, secondFactorLockedUntil, type LockedFailure } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { acceptPasskeyAssertion, type PasskeyAssertionFailure } from "./passkey-assertion";
import { issuePasskeyChallenge } from "./passkey-challenge";
import { relyingPartyOf } from "./passkey-relying-party";
import type { PasskeyRequestOptions } from "./passkey-sign-in";
import { passkeys } from "./schema";

/** The attempt a confirmation's passkey request is bound to: this session (its user and start), as its SMS code is. */
const confirmationAttempt = (userId: string, authTime: number) => `confirm:${userId}:${authTime}`;

/**
 * "Confirm it's you" with a passkey: what the browser is asked to sign with, bound to this
 * session and the "confirm" purpose (an answer made for a sign-in does not confirm, nor the other way round).
 */
export async function beginPasskeyConfirmation(
  deps: TwoFactorDeps,
  input: { userId: string; authTime: number },
): Promise<{ ok: true; options: PasskeyRequestOptions } | Failure<"PASSKEYS_UNAVAILABLE" | "NO_PASSKEY"> | LockedFailure> {
  const rp = relyingPartyOf(deps.options);
  if ("ok" in rp) return rp;
  const now = deps.clock.now();
  const lockedUntil = await secondFactorLockedUntil(deps.db, input.userId, now);
  if (lockedUntil) return lockedFailure(lockedUntil, now);
  const own = await deps.db.select({ credentialId: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, input.userId));
  if (own.length === 0) return failure("NO_PASSKEY");
  const binding = { userId: input.userId, purpose: "confirm" as const, attemptNonce: confirmationAttempt(input.userId, input.authTime) };
  const { bytes } = await issuePasskeyChallenge(deps.db, binding, now, deps.options);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: bytes,
    timeout: deps.options.passkeyChallengeTtlMs,
    userVerification: "required",
    allowCredentials: own.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  return { ok: true, options };
}

/**
 * The confirmation's answer, in one transaction with `confirmed` (its audit event): the same
 * checks as at sign-in (single use, this session's request, the member's own passkey, origin, RP
 * id, user verification, counter), a refusal counting on the shared lock.
 */
export function confirmWithPasskey(
  deps: TwoFactorDeps,
  input: { userId: string; authTime: number; code: string; request: RequestInfo },
  organizationId: string | null,
  confirmed: (db: TwoFactorDb) => Promise<void>,
): Promise<{ ok: true } | PasskeyAssertionFailure> {
  return deps.db.transaction(async (db) => {
    const accepted = await acceptPasskeyAssertion(db, deps, {
      userId: input.userId,
      answer: input.code,
      purpose: "confirm",
      attemptNonce: confirmationAttempt(input.userId, input.authTime),
      request: input.request,
      organizationId,
    });
    if (!accepted.ok) return accepted;
    await confirmed(db);
    return { ok: true as const };
  });
}
