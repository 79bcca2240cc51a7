// The portal's sign-in step of an app's authorization: the member signs in on the portal's own
// pages (password, then whatever the organization requires) and comes back here, where the
// interaction ends with who signed in and how (the session's amr).
import type http from "node:http";
import { getDb } from "../db/client";
import { loadLiveSession } from "../auth/live-session";
import type { CookieJar } from "../auth/session-token";
import { finishWithSignIn } from "../oauth/interaction-result";
import type { PortalOAuth } from "./provider";

/** The request's cookies as the session readers take them. */
export function requestCookies(req: http.IncomingMessage): CookieJar {
  const pairs = (req.headers.cookie ?? "").split(";").flatMap((part) => {
    const at = part.indexOf("=");
    if (at < 0) return [];
    const name = part.slice(0, at).trim();
    const raw = part.slice(at + 1).trim();
    try {
      return [{ name, value: decodeURIComponent(raw) }];
    } catch {
      return [{ name, value: raw }];
    }
  });
  return { get: (name) => pairs.find((pair) => pair.name === name), getAll: () => pairs };
}

export async function interactionStep(oauth: PortalOAuth, req: http.IncomingMessage, res: http.ServerResponse, uid: string): Promise<void> {
  const viewer = await loadLiveSession(requestCookies(req), process.env.AUTH_SECRET, Date.now(), getDb);
  if (!viewer) {
    const back = `/sign-in?callbackUrl=${encodeURIComponent(`/oauth/interaction/${uid}`)}`;
    return void res.writeHead(303, { location: back, "cache-control": "no-store" }).end();
  }
  await finishWithSignIn(oauth.provider, req, res, { accountId: viewer.user.id, amr: viewer.amr }, oauth.settings.apiResource);
}
