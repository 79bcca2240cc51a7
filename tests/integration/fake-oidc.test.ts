import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOidc, type FakeOidc } from "../fakes/oidc-server";
import { CookieJar } from "../helpers/cookie-jar";

const REDIRECT_URI = "http://localhost:3000/api/auth/callback/oidc";
const client = { clientId: "connect-test", clientSecret: "connect-test-secret-0123456789" };
const verified = { sub: "sub-verified", email: "ada@example.com", emailVerified: true, name: "Ada Lovelace" };
const unverified = { sub: "sub-unverified", email: "bob@example.com", emailVerified: false, name: "Bob" };

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  code_challenge_methods_supported: string[];
}

describe("fake OpenID provider (oidc-provider on loopback http)", () => {
  let oidc: FakeOidc;
  let discovery: Discovery;
  beforeAll(async () => {
    oidc = await startFakeOidc({ ...client, redirectUris: [REDIRECT_URI], users: [verified, unverified] });
    discovery = (await (await fetch(`${oidc.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
  });
  afterAll(() => oidc.close());

  function authorizeRequest(overrides: Record<string, string> = {}) {
    const verifier = randomBytes(32).toString("base64url");
    const params = {
      client_id: client.clientId,
      response_type: "code",
      scope: "openid email profile",
      redirect_uri: REDIRECT_URI,
      state: randomBytes(8).toString("base64url"),
      nonce: randomBytes(8).toString("base64url"),
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
      ...overrides,
    };
    return { url: `${discovery.authorization_endpoint}?${new URLSearchParams(params)}`, params, verifier };
  }

  /** Follows redirects as a browser would, until one leaves the provider (returned, not followed). */
  async function follow(jar: CookieJar, url: string, init: RequestInit = {}) {
    let response: Response;
    for (let hops = 0; hops < 10; hops++) {
      const cookie = jar.headerFor(url);
      response = await fetch(url, { ...init, redirect: "manual", headers: { ...init.headers, ...(cookie ? { cookie } : {}) } });
      jar.store(url, response);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { response, url };
      const next = new URL(location, url);
      if (next.origin !== oidc.issuer) return { response, url, redirectedTo: next };
      url = next.href;
      init = {};
    }
    throw new Error("too many redirects");
  }

  async function signInWithHint(email: string, overrides: Record<string, string> = {}) {
    const request = authorizeRequest({ login_hint: email, ...overrides });
    const { redirectedTo } = await follow(new CookieJar(), request.url);
    return { ...request, redirectedTo };
  }

  function exchange(code: string, verifier: string, auth: "basic" | "post" = "basic") {
    const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (auth === "basic") headers.authorization = `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`;
    else {
      body.set("client_id", client.clientId);
      body.set("client_secret", client.clientSecret);
    }
    return fetch(discovery.token_endpoint, { method: "POST", headers, body });
  }

  async function verifiedIdToken(response: Response) {
    expect(response.status).toBe(200);
    const { id_token } = (await response.json()) as { id_token: string };
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { payload } = await jwtVerify(id_token, jwks, { issuer: oidc.issuer, audience: client.clientId });
    return payload;
  }

  it("publishes discovery naming its http issuer, with S256 PKCE", () => {
    expect(discovery.issuer).toBe(oidc.issuer);
    expect(oidc.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery.code_challenge_methods_supported).toContain("S256");
  });

  it("signs a known login_hint in without a form and returns a code and the state to the redirect_uri", async () => {
    const { redirectedTo, params, verifier } = await signInWithHint(verified.email);
    expect(redirectedTo?.origin + redirectedTo!.pathname).toBe(REDIRECT_URI);
    expect(redirectedTo?.searchParams.get("state")).toBe(params.state);
    const code = redirectedTo?.searchParams.get("code");
    expect(code).toBeTruthy();

    const claims = await verifiedIdToken(await exchange(code!, verifier));
    expect(claims).toMatchObject({ sub: verified.sub, email: verified.email, email_verified: true, name: verified.name, nonce: params.nonce });
  });

  it("accepts client_secret_post too", async () => {
    const { redirectedTo, verifier } = await signInWithHint(verified.email);
    const claims = await verifiedIdToken(await exchange(redirectedTo!.searchParams.get("code")!, verifier, "post"));
    expect(claims.email).toBe(verified.email);
  });

  it("says email_verified false for a user whose email is not verified", async () => {
    const { redirectedTo, verifier } = await signInWithHint(unverified.email);
    const claims = await verifiedIdToken(await exchange(redirectedTo!.searchParams.get("code")!, verifier));
    expect(claims).toMatchObject({ email: unverified.email, email_verified: false });
  });

  it("redeems a code once: the second exchange is invalid_grant", async () => {
    const { redirectedTo, verifier } = await signInWithHint(verified.email);
    const code = redirectedTo!.searchParams.get("code")!;
    expect((await exchange(code, verifier)).status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a code presented with the wrong PKCE verifier", async () => {
    const { redirectedTo } = await signInWithHint(verified.email);
    const response = await exchange(redirectedTo!.searchParams.get("code")!, randomBytes(32).toString("base64url"));
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses an unregistered redirect_uri without redirecting to it", async () => {
    const evil = "http://localhost:3000/api/auth/callback/oidc-evil";
    const { response, redirectedTo } = await follow(new CookieJar(), authorizeRequest({ redirect_uri: evil, login_hint: verified.email }).url);
    expect(redirectedTo).toBeUndefined();
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("redirect_uri");
  });

  it("shows an email form without a hint; an unknown email gets an alert, a known one a code", async () => {
    const jar = new CookieJar();
    const request = authorizeRequest();
    const { response, url } = await follow(jar, request.url);
    const page = await response.text();
    expect(page).toMatch(/<label for="email">Email<\/label>/);
    expect(page).toContain(">Continue</button>");
    const action = new URL(/action="([^"]+)"/.exec(page)![1]!, url).href;
    const form = (email: string) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email }) });

    const unknown = await follow(jar, action, form("nobody@example.com"));
    expect(unknown.response.status).toBe(401);
    expect(await unknown.response.text()).toMatch(/<p role="alert"[^>]*>No account is known for “nobody@example.com”/);

    const known = await follow(jar, action, form("ADA@example.com"));
    expect(known.redirectedTo?.searchParams.get("state")).toBe(request.params.state);
    const claims = await verifiedIdToken(await exchange(known.redirectedTo!.searchParams.get("code")!, request.verifier));
    expect(claims.email).toBe(verified.email);
  });

  it("Cancel returns access_denied to the redirect_uri", async () => {
    const jar = new CookieJar();
    const request = authorizeRequest();
    const { response, url } = await follow(jar, request.url);
    const cancel = new URL(/formaction="([^"]+)"/.exec(await response.text())![1]!, url).href;
    const { redirectedTo } = await follow(jar, cancel, { method: "POST" });
    expect(redirectedTo?.origin + redirectedTo!.pathname).toBe(REDIRECT_URI);
    expect(redirectedTo?.searchParams.get("error")).toBe("access_denied");
    expect(redirectedTo?.searchParams.get("code")).toBeNull();
    expect(redirectedTo?.searchParams.get("state")).toBe(request.params.state);
  });

  it("answers its health check and signs in a user added while running", async () => {
    expect((await fetch(`${oidc.issuer}/_fake/health`)).status).toBe(200);
    oidc.addUser({ sub: "sub-late", email: "late@example.com", emailVerified: true, name: "Late" });
    const { redirectedTo, verifier } = await signInWithHint("late@example.com");
    const claims = await verifiedIdToken(await exchange(redirectedTo!.searchParams.get("code")!, verifier));
    expect(claims.sub).toBe("sub-late");
  });
});
