import type { Db } from "../db/client";
import { loadViewer, type Viewer } from "../users";
import { readSessionClaims, type CookieJar } from "./session-token";

export type SessionViewer = Viewer & { amr: string[]; authTime: number };

/**
 * The server's judgement of a session cookie, the one every page and action (lib/auth/dal.ts) and
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
  const session = await readSessionClaims(cookies, secret, nowMs);
  if (!session) return null;
  const viewer = await loadViewer(await openDb(), session.userId, session.authTime);
  if (!viewer) return null;
  if (session.authTime < viewer.user.sessionsValidAfter.getTime()) return null;
  return { ...viewer, amr: session.amr, authTime: session.authTime };
}
