// The OAuth provider as the portal will mount it (lib/oauth/provider-mount.ts), on a loopback http
// server with a stub sign-in step: the interaction signs in whoever `signIn()` names, with the
// methods it names, or refuses. The tests play the native app and its system browser with fetch.
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type JWK } from "oidc-provider";
import { systemClock } from "@/lib/clock";
import type { Db } from "@/lib/db/client";
import { parseOAuthClients, type OAuthClient } from "@/lib/oauth/clients";
import { finishWithRefusal, finishWithSignIn, type PortalSignIn } from "@/lib/oauth/interaction-result";
import { providerConfiguration, type OAuthAccounts } from "@/lib/oauth/provider-configuration";
import { mountProvider } from "@/lib/oauth/provider-mount";
import { providerStore } from "@/lib/oauth/provider-store";
import { REGISTERED } from "./redirect-uri-spellings";

export const NATIVE_APP = {
  clientId: "connect-ios",
  name: "Connect for iOS",
  redirectUris: [REGISTERED.privateUse, REGISTERED.claimedHttps, REGISTERED.loopback],
};

export interface OAuthTestServer {
  origin: string;
  issuer: string;
  apiResource: string;
  clients: readonly OAuthClient[];
  /** The provider's public signing key, for the API's token check. */
  publicKey: KeyObject;
  close(): Promise<void>;
}

/** The portal's own sign-in step instead of the stub (tests/integration/app-sign-in-step.test.ts). */
export type InteractionStepFactory = (provider: Provider, settings: { apiResource: string; clients: readonly OAuthClient[] }) => (req: http.IncomingMessage, res: http.ServerResponse, uid: string) => Promise<void>;

export async function startOAuthServer(options: {
  db: Db;
  accounts: OAuthAccounts;
  signIn?: () => PortalSignIn | null;
  interaction?: InteractionStepFactory;
  /** The portal's key (derived from AUTH_SECRET), so the portal's own API accepts the tokens; else a fresh one. */
  signingKey?: JWK;
}): Promise<OAuthTestServer> {
  const parsed = parseOAuthClients([NATIVE_APP]);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/oauth`;
  const apiResource = `${origin}/api/v1`;
  const { signingKey, publicKey } = options.signingKey ? { signingKey: options.signingKey, publicKey: publicKeyOf(options.signingKey) } : freshSigningKey();
  const provider = new Provider(
    issuer,
    providerConfiguration({
      clients: parsed.clients,
      store: providerStore({ db: options.db, clock: systemClock }),
      accounts: options.accounts,
      signingKey,
      cookieKeys: [randomBytes(32).toString("hex")],
      apiResource,
      interactionUrl: (uid) => `/oauth/interaction/${uid}`,
    }),
  );
  const handler = mountProvider(provider, {
    mountPath: "/oauth",
    clients: parsed.clients,
    interaction: options.interaction?.(provider, { apiResource, clients: parsed.clients }) ?? (async (req, res) => {
      const signIn = options.signIn?.() ?? null;
      if (!signIn) return finishWithRefusal(provider, req, res, "The sign-in was refused.");
      return finishWithSignIn(provider, req, res, signIn, apiResource);
    }),
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : "error");
    });
  });
  return {
    origin,
    issuer,
    apiResource,
    clients: parsed.clients,
    publicKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function freshSigningKey(): { signingKey: JWK; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { signingKey: { ...privateKey.export({ format: "jwk" }), kid: "test-es256", use: "sig", alg: "ES256" } as JWK, publicKey };
}

function publicKeyOf(signingKey: JWK): KeyObject {
  const { d: _private, ...publicJwk } = signingKey;
  return createPublicKey({ key: publicJwk as import("node:crypto").JsonWebKey, format: "jwk" });
}
