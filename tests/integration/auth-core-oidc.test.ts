// next-auth v5's engine (@auth/core 0.41, no Next.js) signing in through the fake OpenID provider over http.
// The generic { type: "oidc", issuer } provider needs no option for an http issuer: @auth/core passes
// oauth4webapi's allowInsecureRequests on discovery, token and userinfo requests whatever NODE_ENV is
// (lib/actions/signin/authorization-url.js, lib/actions/callback/oauth/callback.js). Its profile is the
// id_token's claims, which is why the fake provider puts email and email_verified there.
import { Auth, type AuthConfig } from "@auth/core";
import type { Account, Profile } from "@auth/core/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOidc, type FakeOidc } from "../fakes/oidc-server";
import { CookieJar } from "../helpers/cookie-jar";

const APP = "http://localhost:3000";
const CALLBACK = `${APP}/auth/callback/oidc`;
const client = { clientId: "connect-app", clientSecret: "connect-app-secret-0123456789abcdef" };
const verified = { sub: "sub-ada", email: "ada@example.com", emailVerified: true, name: "Ada Lovelace" };
const unverified = { sub: "sub-bob", email: "bob@example.com", emailVerified: false, name: "Bob" };

type Checks = ("pkce" | "state" | "nonce")[];
interface SignInCall {
  account?: Account | null;
  profile?: Profile;
}

describe("@auth/core's generic OIDC provider against the fake provider on http://127.0.0.1", () => {
  let oidc: FakeOidc;
  beforeAll(async () => {
    oidc = await startFakeOidc({ ...client, redirectUris: [CALLBACK], users: [verified, unverified] });
  });
  afterAll(() => oidc.close());

  function authConfig(loginHint: string, calls: SignInCall[], checks?: Checks): AuthConfig {
    return {
      basePath: "/auth",
      secret: "a-test-secret-of-at-least-32-characters!",
      trustHost: true,
      session: { strategy: "jwt" },
      providers: [
        {
          id: "oidc",
          name: "Fake OIDC",
          type: "oidc",
          issuer: oidc.issuer,
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          authorization: { params: { login_hint: loginHint } },
          ...(checks ? { checks } : {}),
        },
      ],
      callbacks: {
        signIn: ({ account, profile }) => {
          calls.push({ account, profile });
          return true;
        },
      },
      logger: { error: () => {}, warn: () => {}, debug: () => {} },
    };
  }

  /** One browser: requests to APP go to Auth() in this process, the rest over the network. */
  function browser(config: AuthConfig) {
    const jar = new CookieJar();
    return {
      jar,
      async send(url: string, init: RequestInit = {}) {
        const cookie = jar.headerFor(url);
        const request = new Request(url, { ...init, redirect: "manual", headers: { ...init.headers, ...(cookie ? { cookie } : {}) } });
        const response = new URL(url).origin === APP ? await Auth(request, config) : await fetch(request);
        jar.store(url, response);
        const location = response.headers.get("location");
        return { response, location: location ? new URL(location, url) : null };
      },
    };
  }

  async function signIn(email: string, checks?: Checks) {
    const calls: SignInCall[] = [];
    const config = authConfig(email, calls, checks);
    const { jar, send } = browser(config);

    const csrf = await send(`${APP}/auth/csrf`);
    const { csrfToken } = (await csrf.response.json()) as { csrfToken: string };
    const form = new URLSearchParams({ csrfToken, callbackUrl: `${APP}/dashboard` });
    const start = await send(`${APP}/auth/signin/oidc`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(start.location?.origin).toBe(oidc.issuer);
    const authorizeUrl = start.location!;

    let hop = start;
    for (let i = 0; i < 10 && hop.location && hop.location.origin === oidc.issuer; i++) hop = await send(hop.location.href);
    expect(hop.location?.href.startsWith(`${CALLBACK}?`)).toBe(true);
    const callback = await send(hop.location!.href);
    const session = await send(`${APP}/auth/session`);
    return { calls, authorizeUrl, callback, session: (await session.response.json()) as { user?: { email?: string } } | null, jar };
  }

  it("signs in with default checks (PKCE only): signIn sees provider oidc and the verified email; a session follows", async () => {
    const { calls, authorizeUrl, callback, session, jar } = await signIn(verified.email);

    expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizeUrl.searchParams.get("login_hint")).toBe(verified.email);
    expect(authorizeUrl.searchParams.get("scope")).toBe("openid profile email");
    expect(authorizeUrl.searchParams.has("state")).toBe(false);
    expect(authorizeUrl.searchParams.has("nonce")).toBe(false);

    expect(calls).toHaveLength(1);
    expect(calls[0]!.account).toMatchObject({ provider: "oidc", type: "oidc", providerAccountId: verified.sub });
    expect(calls[0]!.profile).toMatchObject({ sub: verified.sub, email: verified.email, email_verified: true, name: verified.name });

    expect(callback.location?.href).toBe(`${APP}/dashboard`);
    expect(jar.names(APP)).toContain("authjs.session-token");
    expect(session?.user?.email).toBe(verified.email);
  });

  it("signs in with state and nonce checks on as well", async () => {
    const { calls, authorizeUrl, callback } = await signIn(verified.email, ["pkce", "state", "nonce"]);
    expect(authorizeUrl.searchParams.get("state")).toBeTruthy();
    expect(authorizeUrl.searchParams.get("nonce")).toBeTruthy();
    expect(calls[0]!.profile).toMatchObject({ email: verified.email, email_verified: true, nonce: authorizeUrl.searchParams.get("nonce") });
    expect(callback.location?.href).toBe(`${APP}/dashboard`);
  });

  it("passes email_verified false through to signIn for an unverified email", async () => {
    const { calls } = await signIn(unverified.email);
    expect(calls[0]!.account?.provider).toBe("oidc");
    expect(calls[0]!.profile).toMatchObject({ email: unverified.email, email_verified: false });
  });
});
