import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { sha256 } from "../crypto";
import type { TwoFactorDb } from "./db";
import type { TwoFactorOptions } from "./options";
import { passkeyChallenges, type PasskeyChallengePurpose } from "./schema";

/**
 * What a passkey request is bound to: its user, its purpose and one attempt, the pending sign-in's
 * nonce at sign-in (as an SMS challenge is) or the signed-in session's when adding one. Only the
 * attempt's hash is stored.
 */
export interface PasskeyRequestBinding {
  userId: string;
  purpose: PasskeyChallengePurpose;
  attemptNonce: string;
}

/** The nonce binding a signed-in session's passkey requests (adding one): its user and the time it began. */
export const passkeySessionNonce = (session: { userId: string; authTime: number }) => `passkey:${session.userId}:${session.authTime}`;

/**
 * A new WebAuthn challenge: 32 random bytes, base64url as the browser echoes it in its answer's
 * clientDataJSON; only its SHA-256 is stored, with its binding and expiry. It replaces the
 * attempt's unanswered one (as a resent SMS code voids the one before), so an attempt holds one
 * live request however often it asks.
 */
export async function issuePasskeyChallenge(
  db: TwoFactorDb,
  binding: PasskeyRequestBinding,
  now: Date,
  options: Pick<TwoFactorOptions, "passkeyChallengeTtlMs">,
): Promise<{ challenge: string; bytes: Uint8Array<ArrayBuffer>; expiresAt: Date }> {
  const bytes = new Uint8Array(randomBytes(32));
  const challenge = Buffer.from(bytes).toString("base64url");
  const expiresAt = new Date(now.getTime() + options.passkeyChallengeTtlMs);
  const attemptHash = sha256(binding.attemptNonce);
  await db
    .delete(passkeyChallenges)
    .where(
      and(
        eq(passkeyChallenges.userId, binding.userId),
        eq(passkeyChallenges.purpose, binding.purpose),
        eq(passkeyChallenges.attemptHash, attemptHash),
        isNull(passkeyChallenges.consumedAt),
      ),
    );
  await db.insert(passkeyChallenges).values({
    userId: binding.userId,
    purpose: binding.purpose,
    attemptHash,
    challengeHash: sha256(challenge),
    createdAt: now,
    expiresAt,
  });
  return { challenge, bytes, expiresAt };
}

/**
 * Spends a challenge: one conditional UPDATE, so however many answers carry it at once, one only
 * is let through, and only for its own user, purpose and attempt, before its expiry. False: none
 * such (unknown, another attempt's, expired or already spent).
 */
export async function consumePasskeyChallenge(db: TwoFactorDb, binding: PasskeyRequestBinding, challenge: string, now: Date): Promise<boolean> {
  const spent = await db
    .update(passkeyChallenges)
    .set({ consumedAt: now })
    .where(
      and(
        eq(passkeyChallenges.challengeHash, sha256(challenge)),
        eq(passkeyChallenges.userId, binding.userId),
        eq(passkeyChallenges.purpose, binding.purpose),
        eq(passkeyChallenges.attemptHash, sha256(binding.attemptNonce)),
        isNull(passkeyChallenges.consumedAt),
        gt(passkeyChallenges.expiresAt, now),
      ),
    )
    .returning({ id: passkeyChallenges.id });
  return spent.length === 1;
}
