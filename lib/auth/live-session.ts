import type { Db } from "../db/client";
import { loadViewer, type Viewer } from "../users";
import { readDatabaseSessionClaims } from "./database-session";
import { readSessionClaims, type CookieJar } from "./session-token";
import { sessionStrategyFromEnv } from "./session-strategy";

export type SessionViewer = Viewer & { amr: string[]; authTime: number };

/**
 * The server's judgement of a session cookie (a JWT, or a database session's token: AUTH_SESSION_STRATEGY), the one every page and action (lib/auth/dal.ts) and
 * next-auth's own routes (lib/auth/session-route.ts) use: refused when its token does not decode,
 * is past its lifetime (fixed from sign-in), was signed out (ended_sessions), or was issued before
 * the user's "sessions valid after" time (password change, 2FA reset).
 */
export async function loadLiveSession(
  cookies: CookieJar,
  secret: string | undefined,
  nowMs: number,
  openDb: () => Promise<Db>,
): Promise<SessionViewer | null> {
  const database = sessionStrategyFromEnv() === "database" ? await openDb() : null;
  const session = database ? await readDatabaseSessionClaims(cookies, database, nowMs) : await readSessionClaims(cookies, secret, nowMs);
  if (!session) return null;
  const viewer = await loadViewer(database ?? (await openDb()), session.userId, session.authTime);
  if (!viewer) return null;
  if (session.authTime < viewer.user.sessionsValidAfter.getTime()) return null;
  return { ...viewer, amr: session.amr, authTime: session.authTime };
}
