// The portal's one OAuth provider per process (issue 19), built from its environment
// (lib/config/oauth.ts) by provider-build.ts. That module, and oidc-provider with it (about 45 MiB
// resident), is loaded only when an app is registered, at the first request that needs it: a
// portal without apps never pays for them (bench/RESULTS.md, stop 26).
import { oauthSettingsFromEnv } from "../config/oauth";
import type { PortalOAuth } from "./provider-build";

export type { PortalOAuth };

const globalForOAuth = globalThis as unknown as { __connect2faOAuth?: { key: string; oauth: Promise<PortalOAuth | null> } };

/** The portal's provider, or null when no app is registered; refused at start when the settings are wrong (scripts/start.ts). */
export function portalOAuth(): Promise<PortalOAuth | null> {
  const { OAUTH_CLIENTS, OAUTH_SIGNING_KEY, AUTH_SECRET, APP_URL, AUTH_URL } = process.env;
  const key = [OAUTH_CLIENTS, OAUTH_SIGNING_KEY, AUTH_SECRET, APP_URL, AUTH_URL].join("\u0000");
  const cached = globalForOAuth.__connect2faOAuth;
  if (cached?.key === key) return cached.oauth;
  const oauth = loadPortalOAuth();
  globalForOAuth.__connect2faOAuth = { key, oauth };
  // A failed build (the database down at the first request) is tried again at the next request.
  oauth.catch(() => {
    if (globalForOAuth.__connect2faOAuth?.oauth === oauth) delete globalForOAuth.__connect2faOAuth;
  });
  return oauth;
}

async function loadPortalOAuth(): Promise<PortalOAuth | null> {
  const result = oauthSettingsFromEnv();
  if (!result.ok) throw new Error(result.errors.join("\n"));
  if (!result.settings) return null;
  const { buildPortalOAuth } = await import("./provider-build");
  return buildPortalOAuth(result.settings);
}
