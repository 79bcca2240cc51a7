// The portal's /api/v1 route handlers as a deployment runs them: the process database is the test's
// (getDb), OAUTH_CLIENTS, AUTH_SECRET and APP_URL set, so portalOAuth() builds the portal's
// provider settings (issuer, API resource, the key derived from AUTH_SECRET). Tokens are minted by
// oidc-provider with the portal's configuration, its accounts rule (accounts.ts, the sign-in rule
// at every code exchange and refresh) and that same key, through a loopback server whose sign-in
// step signs in whoever `signIn` names, with the methods it names.
import { randomBytes } from "node:crypto";
import { systemClock } from "@/lib/clock";
import { derivedSigningKey } from "@/lib/config/oauth";
import type { DatabaseHandle } from "@/lib/db/client";
import type { PortalSignIn } from "@/lib/oauth/interaction-result";
import { portalOAuthAccounts } from "@/lib/oauth-portal/accounts";
import { exchangeCode, obtainCode, refresh, type TokenAnswer } from "./oauth-native-app";
import { NATIVE_APP, startOAuthServer, type OAuthTestServer } from "./oauth-server";
import { REGISTERED } from "./redirect-uri-spellings";

const ENV_NAMES = ["OAUTH_CLIENTS", "OAUTH_SIGNING_KEY", "AUTH_SECRET", "APP_URL", "AUTH_URL"] as const;

type ProcessGlobals = { __connect2faDb?: Promise<DatabaseHandle>; __connect2faOAuth?: unknown };
const processGlobals = globalThis as unknown as ProcessGlobals;

export interface PortalApi {
  server: OAuthTestServer;
  secret: string;
  /** Who the next browser sign-in signs in, and how. */
  signInAs(signIn: PortalSignIn): void;
  /** The browser leg and the code exchange: the token answer (200 or the refusal). */
  signIn(signIn: PortalSignIn): Promise<TokenAnswer>;
  refresh(refreshToken: string): Promise<TokenAnswer>;
  close(): Promise<void>;
}

export async function startPortalApi(handle: DatabaseHandle): Promise<PortalApi> {
  const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  const secret = randomBytes(32).toString("base64url");
  let next: PortalSignIn | null = null;
  const server = await startOAuthServer({
    db: handle.db,
    accounts: portalOAuthAccounts({ db: handle.db, clock: systemClock }),
    signIn: () => next,
    signingKey: derivedSigningKey(secret),
  });
  process.env.OAUTH_CLIENTS = JSON.stringify([NATIVE_APP]);
  process.env.AUTH_SECRET = secret;
  process.env.APP_URL = server.origin;
  delete process.env.OAUTH_SIGNING_KEY;
  delete process.env.AUTH_URL;
  processGlobals.__connect2faDb = Promise.resolve(handle);
  delete processGlobals.__connect2faOAuth;
  return {
    server,
    secret,
    signInAs: (signIn) => void (next = signIn),
    async signIn(signIn) {
      next = signIn;
      return exchangeCode(server, await obtainCode(server, REGISTERED.privateUse));
    },
    refresh: (refreshToken) => refresh(server, refreshToken),
    async close() {
      await server.close();
      for (const name of ENV_NAMES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      delete processGlobals.__connect2faDb;
      delete processGlobals.__connect2faOAuth;
    },
  };
}

/** A GET of the portal's API with these headers (null: leave the header out). */
export function apiRequest(path: string, authorization: string | null, init: { method?: string } = {}): Request {
  const origin = process.env.APP_URL ?? "http://127.0.0.1";
  return new Request(`${origin}/api/v1${path}`, { method: init.method ?? "GET", headers: authorization === null ? {} : { authorization } });
}

export const bearer = (token: string) => `Bearer ${token}`;
