import { and, eq, gt, lt } from "drizzle-orm";
import { randomToken } from "../crypto";
import type { Db } from "../db/client";
import { sessions } from "../db/schema";
import type { SessionGrant } from "../two-factor";
import { SESSION_MAX_AGE_SECONDS } from "./config.edge";
import type { TwoFactorDb } from "../two-factor";
import { DATABASE_SESSION_TOKEN as TOKEN } from "./database-session-cookie";
import { sessionCookieOf, type CookieJar, type SessionClaims } from "./session-token";

/**
 * A database session (AUTH_SESSION_STRATEGY=database): a row in next-auth's sessions table, as
 * @auth/drizzle-adapter reads it, with the methods used and when the sign-in completed. The cookie
 * holds only the row's random token.
 */
export async function createDatabaseSession(db: Db, grant: SessionGrant, now: Date): Promise<{ token: string; expires: Date }> {
  const token = randomToken();
  const expires = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  await db.insert(sessions).values({ sessionToken: token, userId: grant.userId, expires, amr: grant.amr, authTime: now });
  return { token, expires };
}

/**
 * The claims of the database session in these cookies, or null: no such row (signed out: next-auth
 * deleted it), or past its fixed lifetime, which next-auth's sliding expiry never extends here.
 */
export async function readDatabaseSessionClaims(cookies: CookieJar, db: Db, nowMs: number): Promise<SessionClaims | null> {
  const cookie = sessionCookieOf(cookies);
  if (!cookie || !TOKEN.test(cookie.value)) return null;
  const now = new Date(nowMs);
  const [row] = await db
    .select({ userId: sessions.userId, amr: sessions.amr, authTime: sessions.authTime })
    .from(sessions)
    .where(and(eq(sessions.sessionToken, cookie.value), gt(sessions.expires, now)))
    .limit(1);
  if (!row || nowMs - row.authTime.getTime() >= SESSION_MAX_AGE_SECONDS * 1000) return null;
  return { userId: row.userId, amr: row.amr, authTime: row.authTime.getTime() };
}

/**
 * Ends every database session of the user begun before `before` (a password change, an admin's 2FA
 * reset: the plugin's `endSessions` hands its transaction, hence the plugin's database type).
 */
export async function deleteDatabaseSessions(db: TwoFactorDb, userId: string, before: Date): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.authTime, before)));
}
