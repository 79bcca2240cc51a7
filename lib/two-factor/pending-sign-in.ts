import { sealData } from "iron-session";
import { unsealIron } from "../iron-unseal";
import { isPromiseLike, type MaybePromise } from "../edge-crypto";

/**
 * The pending sign-in: what exists between a correct password and a completed second factor.
 * It is a sealed cookie, not a session: no page but the two-factor pages accepts it.
 * Edge-safe (the middleware reads it).
 */
export interface PendingSignIn {
  userId: string;
  /** Random per attempt; SMS challenges are bound to its hash. */
  nonce: string;
  /** "setup" when the user has no verified phone yet, "challenge" otherwise. */
  stage: "setup" | "challenge";
  /** ms since epoch */
  createdAt: number;
  returnTo: string;
  /** After setup: the single-use session ticket, redeemed once the backup codes are stored. */
  ticket?: string;
}

/** @default 600 (10 minutes) */
export const PENDING_SIGN_IN_TTL_SECONDS = 600;

/** `secure`: the host serves over HTTPS (the portal: in production), so the name can be `__Host-`. */
export function pendingSignInCookieName(secure: boolean): string {
  return secure ? "__Host-c2fa-pending" : "c2fa-pending";
}

export function sealPendingSignIn(pending: PendingSignIn, password: string): Promise<string> {
  return sealData(pending, { password, ttl: PENDING_SIGN_IN_TTL_SECONDS });
}

function pendingOf(unsealed: unknown, nowMs: number): PendingSignIn | null {
  const data = (unsealed ?? {}) as Partial<PendingSignIn>;
  if (typeof data.userId !== "string" || typeof data.nonce !== "string" || typeof data.createdAt !== "number") return null;
  if (data.stage !== "setup" && data.stage !== "challenge") return null;
  if (data.ticket !== undefined && typeof data.ticket !== "string") return null;
  if (nowMs - data.createdAt > PENDING_SIGN_IN_TTL_SECONDS * 1000 || data.createdAt > nowMs + 60_000) return null;
  return data as PendingSignIn;
}

/** Null for a missing, tampered or expired cookie. A value, not a promise, with node:crypto. */
export function unsealPendingSignIn(sealed: string | undefined, password: string, nowMs: number): MaybePromise<PendingSignIn | null> {
  if (!sealed) return null;
  try {
    const unsealed = unsealIron(sealed, password, nowMs);
    return isPromiseLike(unsealed) ? Promise.resolve(unsealed).then((data) => pendingOf(data, nowMs), () => null) : pendingOf(unsealed, nowMs);
  } catch {
    return null;
  }
}
