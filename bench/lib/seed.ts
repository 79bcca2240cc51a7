import { randomUUID } from "node:crypto";
import { hashPassword, PASSWORD_HASH_OPTIONS } from "../../lib/auth/password";
import { hmacSha256, randomToken, sha256 } from "../../lib/crypto";
import type { Db } from "../../lib/db/client";
import { memberships, organizations, passwordCredentials, smsChallenges, users } from "../../lib/db/schema";
import { generateSmsCode, smsCodeHmac } from "../../lib/two-factor/sms-code";
import type { Secrets } from "./config";

export const BENCH_PASSWORD = "bench-password-connect-2fa";

/** The code key of lib/server.ts twoFactorDeps: an HMAC of AUTH_SECRET. */
export function smsCodeKey(authSecret: string): string {
  return hmacSha256(authSecret, "connect-2fa/sms-code-key");
}

export interface PendingChallenge {
  userId: string;
  /** The pending sign-in's nonce; the challenge stores sha256(nonce). */
  nonce: string;
  code: string;
  challengeId: string;
  /** The organization the password step seals into the pending sign-in (the code's audit event names it). */
  organizationId: string;
}

export interface BenchData {
  /** Signed in for the page loads (items 1, 3, 6): enrolled, in the organization that requires 2FA. */
  pageUser: { id: string; email: string };
  /** One live SMS challenge each, the code known to the bench. */
  warmupChallenges: PendingChallenge[];
  challenges: PendingChallenge[];
  /** Password-only users (their organization does not require 2FA), for the sign-in figure. */
  signInEmails: string[];
  seconds: number;
}

export interface SeedCounts {
  challenges: number;
  warmupChallenges: number;
  signInUsers: number;
}

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 500) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * What the load tests need, on a migrated, empty database: an organization that requires 2FA with
 * enrolled members, each holding one live sign-in challenge (as if the password step had just
 * texted a code), and an organization that does not, whose members sign in with a password.
 */
export async function seedBenchData(db: Db, secrets: Secrets, counts: SeedCounts): Promise<BenchData> {
  const started = performance.now();
  const now = new Date();
  const [required] = await db
    .insert(organizations)
    .values({ name: "Bench Required", requireTwoFactor: true, requireTwoFactorChangedAt: now })
    .returning({ id: organizations.id });
  const [optional] = await db.insert(organizations).values({ name: "Bench Optional" }).returning({ id: organizations.id });
  if (!required || !optional) throw new Error("could not create the bench organizations");

  const phone = (i: number) => `+1202${String(i).padStart(7, "0")}`;
  const pageUser = { id: randomUUID(), email: "page.user@bench.example" };
  const enrolled = [{ id: pageUser.id, email: pageUser.email, name: "Page User", phoneE164: phone(0) }];
  const total = counts.warmupChallenges + counts.challenges;
  for (let i = 1; i <= total; i++) {
    const n = String(i).padStart(5, "0");
    enrolled.push({ id: randomUUID(), email: `verify.${n}@bench.example`, name: `Verify ${n}`, phoneE164: phone(i) });
  }
  await insertChunked(enrolled, (chunk) =>
    db.insert(users).values(chunk.map((u) => ({ ...u, phoneVerifiedAt: now, twoFactorEnabledAt: now }))),
  );
  await insertChunked(enrolled, (chunk) =>
    db.insert(memberships).values(
      chunk.map((u) => ({ organizationId: required.id, userId: u.id, role: "member" as const })),
    ),
  );

  const codeKey = smsCodeKey(secrets.AUTH_SECRET);
  // Valid for 10 minutes (the app texts 5) so that a slow machine does not see codes expire
  // between the seeding and the load; the verification does the same work either way.
  const expiresAt = new Date(now.getTime() + 10 * 60_000);
  const pending: PendingChallenge[] = enrolled.slice(1).map((u) => ({
    userId: u.id,
    nonce: randomToken(),
    code: generateSmsCode(),
    challengeId: randomUUID(),
    organizationId: required.id,
  }));
  const byUser = new Map<string, string>(enrolled.map((u) => [u.id, u.phoneE164]));
  await insertChunked(pending, (chunk) =>
    db.insert(smsChallenges).values(
      chunk.map((c) => ({
        id: c.challengeId,
        userId: c.userId,
        purpose: "sign_in" as const,
        attemptHash: sha256(c.nonce),
        phoneE164: byUser.get(c.userId)!,
        codeHmac: smsCodeHmac(codeKey, c.challengeId, c.code),
        createdAt: now,
        sentAt: now,
        expiresAt,
      })),
    ),
  );

  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const signInUsers = Array.from({ length: counts.signInUsers }, (_, i) => {
    const n = String(i + 1).padStart(5, "0");
    return { id: randomUUID(), email: `password.${n}@bench.example`, name: `Password ${n}` };
  });
  await insertChunked(signInUsers, (chunk) => db.insert(users).values(chunk));
  await insertChunked(signInUsers, (chunk) =>
    db.insert(passwordCredentials).values(chunk.map((u) => ({ userId: u.id, hash: passwordHash }))),
  );
  await insertChunked(signInUsers, (chunk) =>
    db.insert(memberships).values(chunk.map((u) => ({ organizationId: optional.id, userId: u.id, role: "member" as const }))),
  );

  return {
    pageUser,
    warmupChallenges: pending.slice(0, counts.warmupChallenges),
    challenges: pending.slice(counts.warmupChallenges),
    signInEmails: signInUsers.map((u) => u.email),
    seconds: (performance.now() - started) / 1000,
  };
}

export { PASSWORD_HASH_OPTIONS };
