// "Sign in again" on the app sign-in step: the portal session ends as the portal's sign-out ends it
// (app/(portal)/actions.ts, next-auth's signOut event): recorded as ended, so a copy of a JWT
// cookie is refused too; a database session's row deleted; the session and pending sign-in cookies
// cleared. Written for a Node response (the pages route under /oauth), not next/headers.
import { eq } from "drizzle-orm";
import type { SessionViewer } from "../auth/live-session";
import { markSessionEnded } from "../auth/ended-sessions";
import { portalCookies } from "../auth/portal-cookies";
import { expiredCookie } from "../auth/session-route";
import { SESSION_COOKIE_NAMES, sessionCookieOf, type CookieJar } from "../auth/session-token";
import type { Db } from "../db/client";
import { sessions } from "../db/schema";
import { setCookieHeader } from "../two-factor/request-cookies";

export async function endPortalSession(db: Db, viewer: SessionViewer, cookies: CookieJar, now: Date): Promise<void> {
  await markSessionEnded(db, viewer.user.id, viewer.authTime, now);
  const cookie = sessionCookieOf(cookies);
  if (cookie) await db.delete(sessions).where(eq(sessions.sessionToken, cookie.value));
}

/** Set-Cookie values that clear the session cookie (either name, and any chunks) and the pending sign-in. */
export function clearedSessionCookies(cookies: CookieJar): string[] {
  const names = new Set<string>(SESSION_COOKIE_NAMES.filter((name) => cookies.get(name)));
  for (const { name } of cookies.getAll()) if (SESSION_COOKIE_NAMES.some((session) => name.startsWith(`${session}.`))) names.add(name);
  return [...[...names].map(expiredCookie), setCookieHeader(portalCookies.pendingSignIn.clear())];
}
