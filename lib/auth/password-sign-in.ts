import { recordAuditEvent } from "../audit";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { failure, type Failure } from "../errors";
import { ipRateLimitKey, type RequestInfo } from "../http/client-ip";
import { consumeRateLimit, refundRateLimit, type RateLimitRule } from "../rate-limit";
import { findUserWithPasswordByEmail, normalizeEmail, organizationIdOf } from "../users";
import { verifyPassword } from "./password";

/** Failed password attempts allowed before sign-in pauses. Stated in the README. */
export const SIGN_IN_LIMITS = {
  /** per account (email), whether or not it exists */
  perAccount: { limit: 10, windowMs: 15 * 60_000 } satisfies RateLimitRule,
  /** per client IP (IPv6 counted per /64) */
  perIp: { limit: 50, windowMs: 15 * 60_000 } satisfies RateLimitRule,
};

export interface PasswordSignInDeps {
  db: Db;
  clock: Clock;
  limits?: typeof SIGN_IN_LIMITS;
}

export type PasswordCheck =
  | { ok: true; userId: string; email: string }
  | Failure<"INVALID_CREDENTIALS" | "RATE_LIMITED">;

/**
 * The password step. Hits are counted before the password is checked (so concurrent guesses
 * are all counted) and handed back on success, so only failures use up the limit.
 */
export async function checkPassword(
  deps: PasswordSignInDeps,
  input: { email: string; password: string; request: RequestInfo },
): Promise<PasswordCheck> {
  const limits = deps.limits ?? SIGN_IN_LIMITS;
  const now = deps.clock.now();
  const email = normalizeEmail(input.email);
  const accountKey = `sign-in:account:${email}`;
  const ipKey = `sign-in:ip:${ipRateLimitKey(input.request.ip)}`;

  const byIp = await consumeRateLimit(deps.db, ipKey, limits.perIp, now);
  const byAccount = await consumeRateLimit(deps.db, accountKey, limits.perAccount, now);
  if (!byIp.allowed || !byAccount.allowed) {
    const waits = [byIp, byAccount].map((r) => (r.allowed ? 0 : r.retryAfterMs));
    return failure("RATE_LIMITED", { retryAfterMs: Math.max(...waits) });
  }

  const found = await findUserWithPasswordByEmail(deps.db, email);
  const valid = await verifyPassword(found?.passwordHash, input.password);
  if (!found || !valid) {
    await recordAuditEvent(deps.db, {
      type: "sign_in.failed",
      organizationId: found ? await organizationIdOf(deps.db, found.user.id) : null,
      actorUserId: found?.user.id ?? null,
      subjectUserId: found?.user.id ?? null,
      request: input.request,
      at: now,
    });
    return failure("INVALID_CREDENTIALS");
  }
  await refundRateLimit(deps.db, ipKey);
  await refundRateLimit(deps.db, accountKey);
  return { ok: true, userId: found.user.id, email: found.user.email };
}
