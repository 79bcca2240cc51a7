import { sessionCookieOf, type CookieJar } from "./session-token";

/** A database session's token: 32 random bytes in base64url (43 characters); anything else is not looked up. */
export const DATABASE_SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The gate's optimistic answer (no database at the edge): a cookie that could be a database session. */
export function mayHoldDatabaseSession(cookies: CookieJar): boolean {
  const cookie = sessionCookieOf(cookies);
  return cookie !== null && DATABASE_SESSION_TOKEN.test(cookie.value);
}
