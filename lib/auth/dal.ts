import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "../db/client";
import { organizationAdminOf } from "../two-factor";
import type { Viewer } from "../users";
import { loadLiveSession, type SessionViewer } from "./live-session";
import type { CookieJar } from "./session-token";
import { twoFactorSessionOf } from "./two-factor-session";

/**
 * The data-access layer: the server-side check behind every page, server action and route
 * handler. It does not trust the middleware: it decodes the session itself, refuses a session
 * older than its lifetime, signed out (ended_sessions), or issued before the user's "sessions
 * valid after" time (password change, 2FA reset).
 */
export const getViewer = cache(async (): Promise<SessionViewer | null> =>
  loadLiveSession(await cookies(), process.env.AUTH_SECRET, Date.now(), getDb),
);

/** The same judgement of the session in `cookies` (next-auth's own routes, lib/auth/session-route.ts). */
export async function sessionIsLive(cookies: CookieJar): Promise<boolean> {
  return (await loadLiveSession(cookies, process.env.AUTH_SECRET, Date.now(), getDb)) !== null;
}

/** For pages: sends an anonymous visitor to sign-in. */
export async function requireViewer() {
  const viewer = await getViewer();
  if (!viewer) redirect("/sign-in");
  return viewer;
}

/** For pages: the owner and admins only (the plugin's check); others get 403. */
export async function requireOrganizationAdmin() {
  const viewer = await requireViewer();
  if (!viewer.organization || !organizationAdminOf(twoFactorSessionOf(viewer)).ok) forbidden();
  return viewer as typeof viewer & { organization: NonNullable<Viewer["organization"]>; role: NonNullable<Viewer["role"]> };
}
