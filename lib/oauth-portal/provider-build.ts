// Builds the portal's provider (provider.ts loads this module only when an app is registered):
// oidc-provider on the process database, with the portal's answers: who may have tokens
// (accounts.ts, the refresh rules) and the sign-in step of an authorization (interaction.ts).
import { createPublicKey, type KeyObject } from "node:crypto";
import Provider from "oidc-provider";
import { systemClock } from "../clock";
import type { OAuthSettings } from "../config/oauth";
import { getDb, type Db } from "../db/client";
import { providerConfiguration } from "../oauth/provider-configuration";
import { mountProvider, type NodeHandler } from "../oauth/provider-mount";
import { providerStore } from "../oauth/provider-store";
import { portalOAuthAccounts } from "./accounts";
import { interactionStep } from "./interaction";

/** Where the portal serves oidc-provider (next.config.mjs rewrites /oauth/* to the pages API route). */
export const OAUTH_MOUNT_PATH = "/oauth";

export interface PortalOAuth {
  settings: OAuthSettings;
  provider: Provider;
  handler: NodeHandler;
  db: Db;
  /** The public half of the signing key: the API checks access tokens with it. */
  publicKey: KeyObject;
}

export async function buildPortalOAuth(settings: OAuthSettings): Promise<PortalOAuth> {
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
