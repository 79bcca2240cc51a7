// Pending verify-otp challenges of the Better Auth peer, written straight into its tables.
import { createHmac, randomBytes, randomInt } from "node:crypto";
import type { Client } from "pg";

/** Better Auth's cookie names on http (no __Secure- prefix), default prefix "better-auth". */
export const TWO_FACTOR_COOKIE = "better-auth.two_factor";

/** A user with two-factor on, between its correct password plus send-otp and its verify-otp. */
export interface PendingOtp {
  userId: string;
  /** The `better-auth.two_factor` cookie, signed as better-call signs it. */
  cookie: string;
  code: string;
  /** Index for its client address. */
  n: number;
}

/** Better Auth's generateId: 32 characters of [a-zA-Z0-9]. */
function generateId(size = 32): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(randomBytes(size), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** A cookie value as better-call's setSignedCookie writes it: value "." base64(HMAC-SHA-256), URI-encoded. */
function signedCookieValue(value: string, secret: string): string {
  return encodeURIComponent(`${value}.${createHmac("sha256", secret).update(value).digest("base64")}`);
}

/**
 * Seeds `count` users as Better Auth leaves them after a correct password (sign-in/email) and
 * a send-otp call, in one statement per table:
 * - `user` with twoFactorEnabled = true and a credential `account` (one scrypt hash for all),
 *   as sign-up and `two-factor/enable` with method "otp" leave them (that method keeps no `twoFactor` row);
 * - the sign-in's `verification` rows: "2fa-<id>" = user id and "2fa-attempts-2fa-<id>" = "0";
 * - send-otp's row: "2fa-otp-2fa-<id>" = "<code>:0" (the default plain storage, no attempt yet);
 * - the `better-auth.two_factor` cookie naming "2fa-<id>", signed with the secret.
 * The rows live 10 minutes (the OTP's default is 3) so that a slow machine does not see codes
 * expire between the seeding and the load; the verification does the same work either way.
 */
export async function seedPending(db: Client, secret: string, passwordHash: string, first: number, count: number): Promise<PendingOtp[]> {
  const now = new Date();
  const created = now.toISOString();
  const expires = new Date(now.getTime() + 10 * 60_000).toISOString();
  const pending: PendingOtp[] = [];
  const users: string[][] = [[], [], []];
  const accounts: string[][] = [[], []];
  const verifications: string[][] = [[], [], []];
  for (let n = first; n < first + count; n++) {
    const userId = generateId();
    // Better Auth's generateRandomString(20): [a-zA-Z0-9_-], as base64url is.
    const identifier = `2fa-${randomBytes(15).toString("base64url")}`;
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    users[0]!.push(userId);
    users[1]!.push(`peer.${n}@bench.example`);
    users[2]!.push(`Peer ${n}`);
    accounts[0]!.push(generateId());
    accounts[1]!.push(userId);
    for (const [id, value] of [
      [identifier, userId],
      [`2fa-attempts-${identifier}`, "0"],
      [`2fa-otp-${identifier}`, `${code}:0`],
    ] as const) {
      verifications[0]!.push(generateId());
      verifications[1]!.push(id);
      verifications[2]!.push(value);
    }
    pending.push({ userId, cookie: `${TWO_FACTOR_COOKIE}=${signedCookieValue(identifier, secret)}`, code, n });
  }
  await db.query(
    `insert into "user" (id, email, name, "emailVerified", "twoFactorEnabled", "createdAt", "updatedAt")
     select id, email, name, false, true, $4, $4 from unnest($1::text[], $2::text[], $3::text[]) as u(id, email, name)`,
    [...users, created],
  );
  await db.query(
    `insert into account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
     select id, user_id, 'credential', user_id, $3, $4, $4 from unnest($1::text[], $2::text[]) as a(id, user_id)`,
    [...accounts, passwordHash, created],
  );
  await db.query(
    `insert into verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
     select id, identifier, value, $4, $5, $5 from unnest($1::text[], $2::text[], $3::text[]) as v(id, identifier, value)`,
    [...verifications, expires, created],
  );
  return pending;
}

