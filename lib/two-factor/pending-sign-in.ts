import { DEFAULT_TWO_FACTOR_OPTIONS } from "./options";
import { isFirstFactor, type FirstFactor } from "./auth-methods";

/**
 * The pending sign-in: what exists between a correct password and a completed second factor.
 * It is a sealed cookie, not a session: no page but the two-factor pages accepts it.
 * Edge-safe (the middleware reads it); its cookie is in ./cookies.ts.
 */
export interface PendingSignIn {
  userId: string;
  /** Random per attempt; SMS challenges are bound to its hash. */
  nonce: string;
  /**
   * "setup" when the user has no second factor yet, "challenge" otherwise; "secure_setup" when their
   * organization accepts only secure methods and they must add one (an authenticator app) first.
   */
  stage: PendingStage;
  /** ms since epoch */
  createdAt: number;
  returnTo: string;
  /** After setup: the single-use session ticket, redeemed once the backup codes are stored. */
  ticket?: string;
  /** The user's organization when the password was checked (the host's answer), for the events of the sign-in. */
  organizationId?: string | null;
  /** How the first factor was proved (a password, OIDC, an email link). @default "pwd" (cookies sealed before it was kept) */
  firstFactor?: FirstFactor;
  /**
   * secure_setup only: the second factor already proved in this sign-in ("sms": the member's texted
   * code at the challenge), absent for a new member with no method at all.
   */
  proved?: "sms";
}

export const PENDING_STAGES = ["setup", "challenge", "secure_setup"] as const;
export type PendingStage = (typeof PENDING_STAGES)[number];

/** The first factor of a pending sign-in, the first method of the session's amr. */
export const firstFactorOf = (pending: Pick<PendingSignIn, "firstFactor">): FirstFactor => pending.firstFactor ?? "pwd";

/** The default life of a pending sign-in (the option `pendingSignInTtlMs`). @default 600 (10 minutes) */
export const PENDING_SIGN_IN_TTL_SECONDS = DEFAULT_TWO_FACTOR_OPTIONS.pendingSignInTtlMs / 1000;

/** The pending sign-in an unsealed cookie holds, if it is one and still young; else null. */
export function pendingSignInOf(unsealed: unknown, nowMs: number, ttlMs = PENDING_SIGN_IN_TTL_SECONDS * 1000): PendingSignIn | null {
  const data = (unsealed ?? {}) as Partial<PendingSignIn>;
  if (typeof data.userId !== "string" || typeof data.nonce !== "string" || typeof data.createdAt !== "number") return null;
  if (!PENDING_STAGES.includes(data.stage as PendingStage)) return null;
  if (data.proved !== undefined && (data.proved !== "sms" || data.stage !== "secure_setup")) return null;
  if (data.ticket !== undefined && typeof data.ticket !== "string") return null;
  if (data.organizationId !== undefined && data.organizationId !== null && typeof data.organizationId !== "string") return null;
  if (data.firstFactor !== undefined && !isFirstFactor(data.firstFactor)) return null;
  if (nowMs - data.createdAt > ttlMs || data.createdAt > nowMs + 60_000) return null;
  return data as PendingSignIn;
}
