import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "@/lib/clock";
import type { DatabaseHandle } from "@/lib/db/client";
import { oauthArtifacts } from "@/lib/db/schema";
import { verifyAccessToken } from "@/lib/oauth/access-token";
import { newVerifier, s256Challenge } from "@/lib/oauth/pkce";
import type { OAuthAccount, SignInFacts } from "@/lib/oauth/provider-configuration";
import { isGrantLive } from "@/lib/oauth/artifacts";
import { CookieJar } from "../helpers/cookie-jar";
import { databaseTargets } from "../helpers/databases";
import { authorizeUrl, exchangeCode, obtainCode, openInBrowser, postForm, refresh } from "../helpers/oauth-native-app";
import { startOAuthServer, type OAuthTestServer } from "../helpers/oauth-server";
import { editedSpelling, exactlyAllowed, REGISTERED } from "../helpers/redirect-uri-spellings";

const APP_URIS = [REGISTERED.privateUse, REGISTERED.claimedHttps, REGISTERED.loopback];

describe.each(databaseTargets({ throughPooler: true }))("OAuth for native apps (oidc-provider on the database) on $name", (target) => {
  let handle: DatabaseHandle;
  let server: OAuthTestServer;
  /** Accounts the portal refuses tokens for (a policy the grant no longer meets, a reset). */
  const refused = new Set<string>();
  const seenFacts: SignInFacts[] = [];
  let signedIn: { accountId: string; amr: string[] } | null = { accountId: "user-1", amr: ["pwd", "sms"] };
  let signInSteps = 0;
  beforeAll(async () => {
    handle = await target.open();
    server = await startOAuthServer({
      db: handle.db,
      accounts: {
        find: async (accountId, facts): Promise<OAuthAccount | null> => {
          seenFacts.push(facts);
          return refused.has(accountId) ? null : { organizationId: `org-of-${accountId}` };
        },
      },
      signIn: () => {
        signInSteps += 1;
        return signedIn;
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await handle?.close();
  });

  const signInThenExchange = async (redirectUri: string = REGISTERED.privateUse) => {
    const grant = await obtainCode(server, redirectUri);
    const answer = await exchangeCode(server, grant);
    expect(answer.status).toBe(200);
    return answer.body as Required<typeof answer.body>;
  };

  it("a full PKCE code flow through the browser gives a 15-minute ES256 JWT for the API with amr and organization, and a refresh token", async () => {
    const { url } = authorizeUrl(server, { redirectUri: REGISTERED.privateUse });
    const outcome = await openInBrowser(server, url);
    expect(outcome.kind).toBe("redirected");
    const redirect = new URL(outcome.kind === "redirected" ? outcome.to : "x:/");
    expect(`${redirect.protocol}${redirect.pathname}`).toBe(REGISTERED.privateUse);
    expect(redirect.searchParams.get("state")).toBe("state-1");
    expect(redirect.searchParams.get("iss")).toBe(server.issuer);

    const body = await signInThenExchange();
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(900);
    expect(typeof body.refresh_token).toBe("string");
    expect(decodeProtectedHeader(body.access_token).alg).toBe("ES256");
    const { payload } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(`${server.issuer}/jwks`)), {
      issuer: server.issuer,
      audience: server.apiResource,
    });
    expect(payload).toMatchObject({ sub: "user-1", client_id: "connect-ios", scope: "api", amr: ["pwd", "sms"], org: "org-of-user-1" });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it("an access token says when its sign-in through the browser was (auth_time), and a refreshed one keeps that time", async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await signInThenExchange();
    const after = Math.ceil(Date.now() / 1000);
    const authTime = decodeJwt(first.access_token).auth_time as number;
    expect(authTime).toBeGreaterThanOrEqual(before);
    expect(authTime).toBeLessThanOrEqual(after);
    const refreshed = await refresh(server, first.refresh_token);
    expect(decodeJwt(refreshed.body.access_token!).auth_time).toBe(authTime);
  });

  it("every authorization goes through the portal's sign-in, even in a browser the provider has seen (its session is not enough)", async () => {
    const jar = new CookieJar();
    const before = signInSteps;
    for (let round = 0; round < 2; round += 1) {
      const outcome = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse }).url, jar);
      expect(outcome.kind === "redirected" && new URL(outcome.to).searchParams.has("code")).toBe(true);
    }
    expect(signInSteps - before).toBe(2);
  });

  it("a browser whose earlier sign-in the portal now refuses goes through the portal's sign-in step again (where the member can sign in again), not straight to access_denied", async () => {
    const jar = new CookieJar();
    const first = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse }).url, jar);
    expect(first.kind === "redirected" && new URL(first.to).searchParams.has("code")).toBe(true);
    const before = signInSteps;
    refused.add("user-1");
    try {
      // The provider's session still names the member; the step runs (here it signs the same sign-in in, which the rule refuses as the authorization resumes).
      const again = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse }).url, jar);
      expect(signInSteps - before).toBe(1);
      expect(again.kind === "redirected" ? new URL(again.to).searchParams.get("error") : null).toBe("access_denied");
    } finally {
      refused.delete("user-1");
    }
    const afterwards = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse }).url, jar);
    expect(afterwards.kind === "redirected" && new URL(afterwards.to).searchParams.has("code")).toBe(true);
  });

  it("when the portal refuses the sign-in, the app receives access_denied and no code", async () => {
    const kept = signedIn;
    signedIn = null;
    try {
      const outcome = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse }).url);
      const to = new URL(outcome.kind === "redirected" ? outcome.to : "x:/");
      expect(to.searchParams.get("error")).toBe("access_denied");
      expect(to.searchParams.get("code")).toBeNull();
    } finally {
      signedIn = kept;
    }
  });

  it("the portal's account check as the authorization resumes sees the sign-in step's methods and time; refusing there (the rule changed since the step), the app receives access_denied and no code", async () => {
    signedIn = { accountId: "user-4", amr: ["pwd", "otp"] };
    try {
      seenFacts.length = 0;
      const before = Math.floor(Date.now() / 1000);
      await signInThenExchange();
      expect(seenFacts[0]).toMatchObject({ amr: ["pwd", "otp"] });
      expect(seenFacts[0]?.authTime).toBeGreaterThanOrEqual(before);
      refused.add("user-4");
      const outcome = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse }).url);
      const to = new URL(outcome.kind === "redirected" ? outcome.to : "x:/");
      expect(to.searchParams.get("error")).toBe("access_denied");
      expect(to.searchParams.get("code")).toBeNull();
    } finally {
      signedIn = { accountId: "user-1", amr: ["pwd", "sms"] };
    }
  });

  it("a loopback redirect URI works on any port the app listens on", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1024, max: 65_535 }), async (port) => {
        const redirectUri = `http://127.0.0.1:${port}/callback`;
        const grant = await obtainCode(server, redirectUri);
        expect((await exchangeCode(server, grant)).status).toBe(200);
      }),
      { numRuns: 5 },
    );
  });

  it("a code is accepted once, even under 20 concurrent exchanges, and its reuse revokes what it gave", async () => {
    const grant = await obtainCode(server, REGISTERED.privateUse);
    const answers = await Promise.all(Array.from({ length: 20 }, () => exchangeCode(server, grant)));
    const accepted = answers.filter((answer) => answer.status === 200);
    expect(accepted).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    // The losers were reuses: the grant is revoked, so the winner's refresh token no longer works.
    expect(await refresh(server, accepted[0]!.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("a code used a second time (one after the other) is refused and revokes the refresh token it gave", async () => {
    const grant = await obtainCode(server, REGISTERED.privateUse);
    const first = await exchangeCode(server, grant);
    expect(first.status).toBe(200);
    expect(await exchangeCode(server, grant)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await refresh(server, first.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("a wrong PKCE verifier is refused (any verifier but the right one), and the rightful app still gets its tokens", async () => {
    const grant = await obtainCode(server, REGISTERED.privateUse);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(newVerifier()), fc.constant(""), fc.constant(s256Challenge(grant.verifier)), fc.string({ minLength: 1, maxLength: 130 })), async (verifier) => {
        fc.pre(verifier !== grant.verifier);
        const answer = await exchangeCode(server, { ...grant, verifier });
        expect(answer.status).toBe(400);
        expect(["invalid_grant", "invalid_request"]).toContain(answer.body.error);
      }),
      { numRuns: 15 },
    );
    const withoutVerifier = await postForm(server, "/token", { grant_type: "authorization_code", code: grant.code, redirect_uri: grant.redirectUri });
    expect(withoutVerifier).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await exchangeCode(server, grant)).status).toBe(200);
  });

  it("an authorization request without S256 PKCE is answered invalid_request at the app's redirect URI", async () => {
    const withoutS256: Record<string, string | null>[] = [{ code_challenge: null, code_challenge_method: null }, { code_challenge_method: "plain" }, { code_challenge_method: null }];
    for (const params of withoutS256) {
      const outcome = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse, params }).url);
      expect(outcome.kind).toBe("redirected");
      const to = new URL(outcome.kind === "redirected" ? outcome.to : "x:/");
      expect(to.searchParams.get("error")).toBe("invalid_request");
      expect(to.searchParams.get("code")).toBeNull();
    }
  });

  it("a redirect URI that is not exactly registered is never redirected to (error page), whatever its spelling", async () => {
    await fc.assert(
      fc.asyncProperty(editedSpelling(APP_URIS), async ({ spelled }) => {
        fc.pre(!exactlyAllowed(APP_URIS, spelled));
        const outcome = await openInBrowser(server, authorizeUrl(server, { redirectUri: spelled }).url);
        expect(outcome).toMatchObject({ kind: "page", status: 400 });
        expect(outcome.kind === "page" ? outcome.body : "").toContain('role="alert"');
      }),
      { numRuns: 60 },
    );
    const unknownApp = await openInBrowser(server, authorizeUrl(server, { redirectUri: REGISTERED.privateUse, params: { client_id: "someone-else" } }).url);
    expect(unknownApp).toMatchObject({ kind: "page", status: 400 });
  });

  it("the mount answers only under /oauth, takes authorization requests by GET only, and refuses repeated parameters without redirecting", async () => {
    const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: server.issuer,
      authorization_endpoint: `${server.issuer}/authorize`,
      token_endpoint: `${server.issuer}/token`,
      revocation_endpoint: `${server.issuer}/revoke`,
      code_challenge_methods_supported: ["S256"],
    });
    expect((await fetch(`${server.origin}/api/oauth/token`, { method: "POST" })).status).toBe(404);
    const { url } = authorizeUrl(server, { redirectUri: REGISTERED.privateUse });
    expect((await fetch(url, { method: "POST", redirect: "manual" })).status).toBe(405);
    const doubled = await openInBrowser(server, `${url}&redirect_uri=${encodeURIComponent(REGISTERED.claimedHttps)}`);
    expect(doubled).toMatchObject({ kind: "page", status: 400 });
  });

  it("a code is refused with another redirect URI than its own (another loopback port too), and stays usable with its own", async () => {
    const grant = await obtainCode(server, "http://127.0.0.1:50123/callback");
    for (const redirectUri of ["http://127.0.0.1:50124/callback", REGISTERED.privateUse, "http://127.0.0.1/callback"]) {
      expect(await exchangeCode(server, { ...grant, redirectUri })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    }
    expect((await exchangeCode(server, grant)).status).toBe(200);
  });

  it("a refresh token is rotated at every use; a reused one revokes the whole family, the newest included", async () => {
    const first = await signInThenExchange();
    const second = await refresh(server, first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    const third = await refresh(server, second.body.refresh_token!);
    expect(third.status).toBe(200);

    expect(await refresh(server, first.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await refresh(server, third.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await refresh(server, second.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("one refresh token sent 10 times at once: at most one answer succeeds, and then the whole family is revoked", async () => {
    const first = await signInThenExchange();
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(server, first.refresh_token)));
    const accepted = answers.filter((answer) => answer.status === 200);
    expect(accepted.length).toBeLessThanOrEqual(1);
    for (const answer of answers.filter((a) => a.status !== 200)) expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    for (const token of [first.refresh_token, ...accepted.map((answer) => answer.body.refresh_token!)]) {
      expect(await refresh(server, token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    }
  });

  it("a refresh keeps the sign-in's methods and is refused when the portal says the grant no longer holds", async () => {
    signedIn = { accountId: "user-2", amr: ["pwd"] };
    try {
      const first = await signInThenExchange();
      seenFacts.length = 0;
      const second = await refresh(server, first.refresh_token);
      expect(second.status).toBe(200);
      expect(seenFacts.at(-1)).toMatchObject({ amr: ["pwd"] });
      expect(seenFacts.at(-1)?.authTime).toEqual(expect.any(Number));
      refused.add("user-2");
      expect(await refresh(server, second.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    } finally {
      signedIn = { accountId: "user-1", amr: ["pwd", "sms"] };
    }
  });

  it("revoking a refresh token (RFC 7009) ends its family", async () => {
    const first = await signInThenExchange();
    const second = await refresh(server, first.refresh_token);
    const revoked = await postForm(server, "/revoke", { token: second.body.refresh_token!, token_type_hint: "refresh_token" });
    expect(revoked.status).toBe(200);
    expect(await refresh(server, second.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("the API accepts the provider's access token until its family is revoked by a reused refresh token", async () => {
    const apiDeps = {
      clock: systemClock,
      publicKey: server.publicKey,
      issuer: server.issuer,
      audience: server.apiResource,
      grantIsLive: (hash: string) => isGrantLive({ db: handle.db, clock: systemClock }, hash),
    };
    const first = await signInThenExchange();
    expect(await verifyAccessToken(apiDeps, `Bearer ${first.access_token}`)).toMatchObject({ ok: true, caller: { userId: "user-1", amr: ["pwd", "sms"], organizationId: "org-of-user-1" } });
    const second = await refresh(server, first.refresh_token);
    // a refreshed token keeps the sign-in's methods: the second factor is not forgotten, nor invented
    expect(await verifyAccessToken(apiDeps, `Bearer ${second.body.access_token}`)).toMatchObject({ ok: true, caller: { amr: ["pwd", "sms"] } });
    await refresh(server, first.refresh_token);
    for (const accessToken of [first.access_token, second.body.access_token!]) {
      expect(await verifyAccessToken(apiDeps, `Bearer ${accessToken}`)).toEqual({ ok: false, reason: "REVOKED" });
    }
  });

  it("the database holds no code or token value, only hashes, and a code lives 60 seconds", async () => {
    const grant = await obtainCode(server, REGISTERED.privateUse);
    const [code] = await handle.db.select().from(oauthArtifacts).where(eq(oauthArtifacts.model, "AuthorizationCode")).orderBy(sql`${oauthArtifacts.expiresAt} desc`).limit(1);
    expect((code!.payload.exp as number) - (code!.payload.iat as number)).toBe(60);
    const body = (await exchangeCode(server, grant)).body;
    const dump = JSON.stringify(await handle.db.select().from(oauthArtifacts));
    for (const secret of [grant.code, body.refresh_token!, grant.verifier]) expect(dump).not.toContain(secret);
  });
});
