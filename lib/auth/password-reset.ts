import { and, eq, gt, isNull } from "drizzle-orm";
import { recordAuditEvent } from "../audit";
import type { Clock } from "../clock";
import { randomToken, sha256 } from "../crypto";
import { formatDuration } from "../duration";
import type { Db } from "../db/client";
import { passwordCredentials, passwordResetTokens, smsChallenges, users } from "../db/schema";
import type { EmailSender } from "../email/sender";
import { failure, type Failure } from "../errors";
import { ipRateLimitKey, type RequestInfo } from "../http/client-ip";
import { revokeAllAppSignIns } from "../oauth/grants";
import { consumeRateLimit, type RateLimitRule } from "../rate-limit";
import { revokeTrustedDevices } from "../two-factor/trusted-devices";
import { findUserWithPasswordByEmail, organizationIdOf } from "../users";
import { deleteDatabaseSessions } from "./database-session";
import { hashPassword } from "./password";

/** A link's token as randomToken() makes it (32 bytes, base64url): anything else was never issued. */
export function isResetTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** @default 1_800_000 (30 minutes) */
export const RESET_LINK_TTL_MS = 30 * 60_000;
/** Reset requests counted per address and per client IP. */
export const RESET_LIMITS = {
  perEmail: { limit: 3, windowMs: 3_600_000 } satisfies RateLimitRule,
  perIp: { limit: 20, windowMs: 3_600_000 } satisfies RateLimitRule,
};

export interface PasswordResetDeps {
  db: Db;
  clock: Clock;
  email: EmailSender;
  /** The portal's own origin for the link, from configuration, never from the request's Host. */
  appUrl: string;
  /**
   * Runs the email delivery after the answer is sent (the app passes next/server's `after`).
   * @default runs it detached in this process
   */
  defer?: (task: () => Promise<void>) => void;
}

/** The error is not printed: it may carry the message, and the message carries the link. */
const reportFailure = () => console.error("password reset: the email or its audit event could not be completed");
const runDetached = (task: () => Promise<void>) => void task().catch(reportFailure);

/** `defer` for the app: next/server's `after`, with the same quiet failure report. */
export function deferWith(after: (task: () => Promise<void>) => void) {
  return (task: () => Promise<void>) => after(() => task().catch(reportFailure));
}

/**
 * "Submit a change of password request". The caller shows the same answer whatever happens
 * here, so nobody learns whether an email is registered; delivery failures are audited.
 */
export async function requestPasswordReset(deps: PasswordResetDeps, input: { email: string; request: RequestInfo }): Promise<void> {
  const now = deps.clock.now();
  const found = await findUserWithPasswordByEmail(deps.db, input.email);
  const byIp = await consumeRateLimit(deps.db, `reset:ip:${ipRateLimitKey(input.request.ip)}`, RESET_LIMITS.perIp, now);
  const byEmail = await consumeRateLimit(deps.db, `reset:email:${input.email.trim().toLowerCase()}`, RESET_LIMITS.perEmail, now);
  if (!found || !byIp.allowed || !byEmail.allowed) return;
  const token = randomToken();
  await deps.db.insert(passwordResetTokens).values({
    userId: found.user.id,
    tokenHash: sha256(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + RESET_LINK_TTL_MS),
  });
  const link = new URL(`/password-reset/${token}`, deps.appUrl).toString();
  const user = found.user;
  // Not awaited: waiting for the mail server would make a registered address answer slower than
  // an unknown one.
  (deps.defer ?? runDetached)(async () => {
    const sent = await deps.email.send({
      to: user.email,
      subject: "Change your Connect password",
      text: `Someone asked to change the password of your Connect account.\n\nTo choose a new password, open this link within ${formatDuration(RESET_LINK_TTL_MS)}:\n${link}\n\nThe link works once. Two-step authentication stays on: you will still be asked for your code.\nIf you did not ask for this, ignore this email; your password stays as it is.`,
    });
    await recordAuditEvent(deps.db, {
      type: "password_reset.requested",
      organizationId: await organizationIdOf(deps.db, user.id),
      actorUserId: user.id,
      subjectUserId: user.id,
      request: input.request,
      details: sent.ok ? {} : { delivery: "failed", reason: sent.reason },
      at: now,
    });
  });
}

/**
 * Uses a reset link: sets the new password, ends every session and every pending sign-in begun
 * before now, every trusted device and every app's sign-in (its refresh tokens and access tokens
 * stop at once), and leaves two-factor authentication exactly as it was.
 */
export async function resetPasswordWithToken(
  deps: Pick<PasswordResetDeps, "db" | "clock">,
  input: { token: string; newPassword: string; request: RequestInfo },
): Promise<{ ok: true } | Failure<"INVALID_RESET_LINK">> {
  const passwordHash = await hashPassword(input.newPassword);
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const [used] = await db
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResetTokens.tokenHash, sha256(input.token)),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, now),
        ),
      )
      .returning({ userId: passwordResetTokens.userId });
    if (!used) return failure("INVALID_RESET_LINK");
    await db
      .insert(passwordCredentials)
      .values({ userId: used.userId, hash: passwordHash, updatedAt: now })
      .onConflictDoUpdate({ target: passwordCredentials.userId, set: { hash: passwordHash, updatedAt: now } });
    await db.update(users).set({ sessionsValidAfter: now, pendingSignInsValidAfter: now }).where(eq(users.id, used.userId));
    await deleteDatabaseSessions(db, used.userId, now);
    await revokeTrustedDevices(db, used.userId, now);
    await revokeAllAppSignIns(db, used.userId);
    await db
      .update(smsChallenges)
      .set({ voidedAt: now })
      .where(and(eq(smsChallenges.userId, used.userId), isNull(smsChallenges.consumedAt), isNull(smsChallenges.voidedAt)));
    await db.update(passwordResetTokens).set({ usedAt: now }).where(and(eq(passwordResetTokens.userId, used.userId), isNull(passwordResetTokens.usedAt)));
    await recordAuditEvent(db, {
      type: "password_reset.completed",
      organizationId: await organizationIdOf(db, used.userId),
      actorUserId: used.userId,
      subjectUserId: used.userId,
      request: input.request,
      at: now,
    });
    return { ok: true as const };
  });
}
