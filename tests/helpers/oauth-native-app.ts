// A native app and its system browser, played with fetch: the browser follows the portal's
// redirects with its cookies and stops where a Location leaves the portal (the app's redirect URI);
// the app calls the token and revocation endpoints as a public client (client_id, no secret).
import { newVerifier, s256Challenge } from "@/lib/oauth/pkce";
import { CookieJar } from "./cookie-jar";
import type { OAuthTestServer } from "./oauth-server";

export type BrowserOutcome = { kind: "redirected"; to: string } | { kind: "page"; status: number; body: string };

/** Opens `url` in a fresh browser and follows redirects within the portal. */
export async function openInBrowser(server: OAuthTestServer, url: string, jar = new CookieJar()): Promise<BrowserOutcome> {
  let current = url;
  for (let hops = 0; hops < 10; hops += 1) {
    const cookie = jar.headerFor(current);
    const response = await fetch(current, { redirect: "manual", headers: cookie ? { cookie } : {} });
    jar.store(current, response);
    const location = response.headers.get("location");
    if (!location) return { kind: "page", status: response.status, body: await response.text() };
    await response.body?.cancel();
    const next = new URL(location, current).href;
    if (!next.startsWith(`${server.origin}/`)) return { kind: "redirected", to: location };
    current = next;
  }
  throw new Error("too many redirects");
}

export interface AuthorizationRequest {
  redirectUri: string;
  verifier?: string;
  /** Overrides: a challenge other than the verifier's, a method, parameters to drop (value null). */
  params?: Record<string, string | null>;
}

export function authorizeUrl(server: OAuthTestServer, request: AuthorizationRequest) {
  const verifier = request.verifier ?? newVerifier();
  const params: Record<string, string | null> = {
    client_id: "connect-ios",
    response_type: "code",
    redirect_uri: request.redirectUri,
    scope: "openid api",
    state: "state-1",
    code_challenge: s256Challenge(verifier),
    code_challenge_method: "S256",
    ...request.params,
  };
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null));
  return { url: `${server.issuer}/authorize?${query}`, verifier };
}

/** The whole browser leg: authorize, sign in (the stub), and the code from the redirect. */
export async function obtainCode(server: OAuthTestServer, redirectUri: string) {
  const { url, verifier } = authorizeUrl(server, { redirectUri });
  const outcome = await openInBrowser(server, url);
  if (outcome.kind !== "redirected") throw new Error(`expected a redirect to the app, got ${outcome.status}: ${outcome.body}`);
  const code = new URL(outcome.to).searchParams.get("code");
  if (!code) throw new Error(`no code in ${outcome.to}`);
  return { code, verifier, redirectUri };
}

export interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; expires_in?: number; token_type?: string; error?: string; error_description?: string };
}

export async function postForm(server: OAuthTestServer, path: string, form: Record<string, string>): Promise<TokenAnswer> {
  const response = await fetch(`${server.issuer}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: "connect-ios", ...form }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as TokenAnswer["body"]) : {} };
}

export const exchangeCode = (server: OAuthTestServer, grant: { code: string; verifier: string; redirectUri: string }) =>
  postForm(server, "/token", { grant_type: "authorization_code", code: grant.code, code_verifier: grant.verifier, redirect_uri: grant.redirectUri });

export const refresh = (server: OAuthTestServer, refreshToken: string) =>
  postForm(server, "/token", { grant_type: "refresh_token", refresh_token: refreshToken });
