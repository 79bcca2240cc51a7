// PKCE (RFC 7636) as this server accepts it: S256 only (§4.2; "plain" gives nothing against an
// attacker who sees the authorization request), a verifier of 43 to 128 characters of the
// unreserved set (§4.1). oidc-provider checks the same at its token endpoint (helpers/pkce.js);
// this module is the rule the portal's own pages and tests name, and the scripted app's helper.
import { createHash, randomBytes } from "node:crypto";
import { constantTimeEqual } from "../crypto";

export const PKCE_METHOD = "S256";

/** RFC 7636 §4.1: code-verifier = 43*128unreserved; unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** BASE64URL(SHA256(...)) without padding: always 43 characters. */
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export type PkceRefusal = "VERIFIER_MALFORMED" | "CHALLENGE_MALFORMED" | "METHOD_NOT_S256" | "VERIFIER_MISMATCH";

export type PkceCheck = { ok: true } | { ok: false; reason: PkceRefusal };

export function isWellFormedVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

export function isWellFormedChallenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

/** code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2). */
export function s256Challenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** A fresh verifier: 32 random bytes, base64url (43 characters), as RFC 7636 §4.1 recommends. */
export function newVerifier(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Whether `verifier` proves possession for `challenge` sent with `method`. Anything but S256 is
 * refused, and so is a malformed verifier or challenge, before any hashing; the comparison is in
 * constant time.
 */
export function verifyPkce(input: { verifier: string; challenge: string; method: string }): PkceCheck {
  if (input.method !== PKCE_METHOD) return { ok: false, reason: "METHOD_NOT_S256" };
  if (!isWellFormedChallenge(input.challenge)) return { ok: false, reason: "CHALLENGE_MALFORMED" };
  if (!isWellFormedVerifier(input.verifier)) return { ok: false, reason: "VERIFIER_MALFORMED" };
  return constantTimeEqual(s256Challenge(input.verifier), input.challenge) ? { ok: true } : { ok: false, reason: "VERIFIER_MISMATCH" };
}
