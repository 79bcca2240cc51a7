// The portal's one OAuth provider per process (issue 19), built from its environment
// (lib/config/oauth.ts) on the process database, with the portal's answers: who may have tokens
// (accounts.ts, the refresh rules) and the sign-in step of an authorization (interaction.ts).
import { createPublicKey, type KeyObject } from "node:crypto";
import Provider from "oidc-provider";
import { systemClock } from "../clock";
import { oauthSettingsFromEnv, type OAuthSettings } from "../config/oauth";
import { getDb, type Db } from "../db/client";
import { providerConfiguration } from "../oauth/provider-configuration";
import { mountProvider, type NodeHandler } from "../oauth/provider-mount";
import { providerStore } from "../oauth/provider-store";
import { portalOAuthAccounts } from "./accounts";
import { interactionStep } from "./interaction";

export const OAUTH_MOUNT_PATH = "/oauth";

export interface PortalOAuth {
  settings: OAuthSettings;
  provider: Provider;
  handler: NodeHandler;
  db: Db;
  /** The public half of the signing key: the API checks access tokens with it. */
  publicKey: KeyObject;
}

const globalForOAuth = globalThis as unknown as { __connect2faOAuth?: { key: string; oauth: Promise<PortalOAuth | null> } };

/** The portal's provider, or null when no app is registered; refused at start when the settings are wrong (scripts/start.ts). */
export function portalOAuth(): Promise<PortalOAuth | null> {
  const { OAUTH_CLIENTS, OAUTH_SIGNING_KEY, AUTH_SECRET, APP_URL, AUTH_URL } = process.env;
  const key = [OAUTH_CLIENTS, OAUTH_SIGNING_KEY, AUTH_SECRET, APP_URL, AUTH_URL].join("\u0000");
  const cached = globalForOAuth.__connect2faOAuth;
  if (cached?.key === key) return cached.oauth;
  const oauth = buildPortalOAuth();
  globalForOAuth.__connect2faOAuth = { key, oauth };
  // A failed build (the database down at the first request) is tried again at the next request.
  oauth.catch(() => {
    if (globalForOAuth.__connect2faOAuth?.oauth === oauth) delete globalForOAuth.__connect2faOAuth;
  });
  return oauth;
}

async function buildPortalOAuth(): Promise<PortalOAuth | null> {
  const result = oauthSettingsFromEnv();
  if (!result.ok) throw new Error(result.errors.join("\n"));
  const settings = result.settings;
  if (!settings) return null;
  const db = await getDb();
  const provider = new Provider(
    settings.issuer,
    providerConfiguration({
      clients: settings.clients,
      store: providerStore({ db, clock: systemClock }),
      accounts: portalOAuthAccounts({ db, clock: systemClock }),
      signingKey: settings.signingKey,
      cookieKeys: settings.cookieKeys,
      apiResource: settings.apiResource,
      interactionUrl: (uid) => `${OAUTH_MOUNT_PATH}/interaction/${uid}`,
    }),
  );
  // Behind a TLS-terminating proxy (Vercel and the like) the request reaches Node as http: the
  // provider reads X-Forwarded-Proto for its cookies' Secure flag. Its URLs come from the issuer.
  provider.proxy = settings.issuer.startsWith("https:");
  const { d: _private, ...publicJwk } = settings.signingKey;
  const publicKey = createPublicKey({ key: publicJwk as import("node:crypto").JsonWebKey, format: "jwk" });
  const parts = { settings, provider, db, publicKey };
  const handler = mountProvider(provider, {
    mountPath: OAUTH_MOUNT_PATH,
    clients: settings.clients,
    interaction: (req, res, uid) => interactionStep(parts, req, res, uid),
  });
  return { ...parts, handler };
}
