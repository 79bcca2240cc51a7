import { systemClock } from "../clock";
import { getDb } from "../db/client";
import type { RequestInfo } from "../http/client-ip";
import type { SessionCookies, TwoFactorSession } from "../two-factor";
import { loadViewer } from "../users";
import { loadLiveSession, type SessionViewer } from "./live-session";
import { checkPassword } from "./password-sign-in";

/** The plugin's view of a portal session: who, since when, how, and their organization and role. */
export function twoFactorSessionOf(viewer: SessionViewer): TwoFactorSession {
  return { userId: viewer.user.id, authTime: viewer.authTime, amr: viewer.amr, organizationId: viewer.organization?.id ?? null, role: viewer.role };
}

/** The portal's session strategy, as the plugin asks it (`getSession`): the same judgement as every page's (lib/auth/dal.ts). */
export async function portalSession(cookies: SessionCookies, now: Date): Promise<TwoFactorSession | null> {
  const viewer = await loadLiveSession(cookies, process.env.AUTH_SECRET, now.getTime(), getDb);
  return viewer ? twoFactorSessionOf(viewer) : null;
}

/** "Confirm it's you" checks the password as sign-in does: the same limits count its failures. */
export async function portalPasswordIsRight(input: { userId: string; password: string; request: RequestInfo }): Promise<boolean> {
  const db = await getDb();
  const viewer = await loadViewer(db, input.userId);
  if (!viewer) return false;
  const checked = await checkPassword({ db, clock: systemClock }, { email: viewer.user.email, password: input.password, request: input.request });
  return checked.ok;
}
