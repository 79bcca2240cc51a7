// The OAuth settings of the portal (issue 19), read from its environment: the registered apps
// (OAUTH_CLIENTS), the ES256 signing key (OAUTH_SIGNING_KEY, a private EC P-256 JWK; without it a
// key is derived from AUTH_SECRET, so a deployment's instances agree without another secret), the
// issuer and the API resource on the portal's public origin.
import { createECDH, createHash, hkdfSync } from "node:crypto";
import type { JWK } from "oidc-provider";
import { parseOAuthClientsJson, type OAuthClient } from "../oauth/clients";
import { appUrlFromEnv } from "./app-url";

type Env = Record<string, string | undefined>;

export interface OAuthSettings {
  clients: readonly OAuthClient[];
  issuer: string;
  apiResource: string;
  signingKey: JWK;
  cookieKeys: string[];
}

export type OAuthSettingsResult = { ok: true; settings: OAuthSettings | null } | { ok: false; errors: string[] };

const b64url = (bytes: Buffer) => bytes.toString("base64url");

/** A P-256 key from the secret: HKDF gives the private scalar, retried in the (2^-32) case it is out of range. */
export function derivedSigningKey(secret: string): JWK {
  for (let counter = 0; ; counter += 1) {
    const d = Buffer.from(hkdfSync("sha256", secret, "connect-2fa", `oauth es256 signing key ${counter}`, 32));
    const ecdh = createECDH("prime256v1");
    try {
      ecdh.setPrivateKey(d);
    } catch {
      continue;
    }
    const point = ecdh.getPublicKey();
    const [x, y] = [point.subarray(1, 33), point.subarray(33, 65)];
    const kid = createHash("sha256").update(point).digest("base64url").slice(0, 16);
    return { kty: "EC", crv: "P-256", d: b64url(d), x: b64url(x), y: b64url(y), kid, alg: "ES256", use: "sig" };
  }
}

function signingKeyOf(env: Env, secret: string): JWK | string {
  if (!env.OAUTH_SIGNING_KEY) return derivedSigningKey(secret);
  try {
    const key = JSON.parse(env.OAUTH_SIGNING_KEY) as JWK;
    if (key.kty !== "EC" || key.crv !== "P-256" || typeof key.d !== "string" || typeof key.kid !== "string") {
      return "OAUTH_SIGNING_KEY: must be a private EC P-256 JWK with a kid (npm run oauth:key prints one)";
    }
    return { ...key, alg: "ES256", use: "sig" };
  } catch {
    return "OAUTH_SIGNING_KEY: is not valid JSON (npm run oauth:key prints a key)";
  }
}

/** The portal's OAuth settings; `settings: null` when no app is registered (OAuth off: /oauth answers 404). */
export function oauthSettingsFromEnv(env: Env = process.env): OAuthSettingsResult {
  const parsed = parseOAuthClientsJson(env.OAUTH_CLIENTS);
  if (!parsed.ok) return parsed;
  if (parsed.clients.length === 0) return { ok: true, settings: null };
  const secret = env.AUTH_SECRET;
  if (!secret) return { ok: false, errors: ["OAUTH_CLIENTS: needs AUTH_SECRET"] };
  const origin = env.APP_URL || env.AUTH_URL || appUrlFromEnv(env);
  if (!origin) return { ok: false, errors: ["OAUTH_CLIENTS: needs APP_URL, the portal's public origin (the tokens' issuer)"] };
  const signingKey = signingKeyOf(env, secret);
  if (typeof signingKey === "string") return { ok: false, errors: [signingKey] };
  const base = new URL(origin).origin;
  const cookieKey = Buffer.from(hkdfSync("sha256", secret, "connect-2fa", "oauth cookie key", 32)).toString("base64url");
  return { ok: true, settings: { clients: parsed.clients, issuer: `${base}/oauth`, apiResource: `${base}/api/v1`, signingKey, cookieKeys: [cookieKey] } };
}
