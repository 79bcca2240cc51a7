import type { BrowserContext, Page } from "@playwright/test";
import fc from "fast-check";
import { newVerifier, s256Challenge } from "../../lib/oauth/pkce";
import { editedSpelling, exactlyAllowed } from "../helpers/redirect-uri-spellings";
import { E2E_OAUTH_APP } from "./env";
import { expect, test } from "./fixtures";
import { NativeApp, type MemberInBrowser } from "./mobile-app/native-app";
import { exchangeCode, postForm, refreshTokens, revokeToken } from "./mobile-app/token-endpoint";
import { AppSignInPage } from "./pages/app-sign-in-page";
import { SignInPage } from "./pages/sign-in-page";
import { E2E_USERS } from "./seed";

// Issue 19 §1, §2 and §4: the RFCs' rules over HTTP against the production server, each one an
// attacker's or a buggy app's move. The codes come from real browser sign-ins of a member whose
// organization requires nothing (the browser keeps its portal session, so after the first sign-in
// the member only presses Continue). A code's 60-second life is not waited for here: the provider's
// lifetimes are the integration tests' (tests/integration/oauth-provider.test.ts).

const EMAIL = E2E_USERS.oauthRulesMember;
const APP_NAME = E2E_OAUTH_APP.name;
let browserContext: BrowserContext;
let browserPage: Page;
let app: NativeApp;

const memberContinues: MemberInBrowser = async (page) => {
  const step = new AppSignInPage(page);
  await step.expectReady(APP_NAME, EMAIL);
  await step.continue();
};
const noMember: MemberInBrowser = async () => undefined;

/** A code for the app, from a sign-in through the browser, not exchanged yet. */
async function freshCode() {
  const caught = await app.authorize(browserPage, memberContinues);
  expect(caught.error).toBeNull();
  return caught;
}

async function apiStatus(accessToken: string) {
  return (await fetch(`${app.portal}/api/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

test.beforeAll(async ({ browser, baseURL }) => {
  app = await NativeApp.install(baseURL!, E2E_OAUTH_APP.clientId);
  browserContext = await browser.newContext({ baseURL });
  browserPage = await browserContext.newPage();
  const caught = await app.authorize(browserPage, async (page) => {
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
    await new SignInPage(page).submit(EMAIL);
    await memberContinues(page);
  });
  expect(caught.error).toBeNull();
});

test.afterAll(async () => {
  await browserContext?.close();
});

test("the discovery document names S256 as the only PKCE method and promises iss in the authorization response", () => {
  expect(app.endpoints.code_challenge_methods_supported).toEqual(["S256"]);
  expect(app.endpoints.authorization_response_iss_parameter_supported).toBe(true);
  expect(app.endpoints.issuer).toBe(`${app.portal}/oauth`);
});

test("PKCE: a wrong verifier is refused with invalid_grant (RFC 7636 §4.6), a malformed or missing one with an error too, and the code still works with the right one", async () => {
  const grant = await freshCode();
  const oneCharacterOff = grant.verifier.slice(0, -1) + (grant.verifier.endsWith("A") ? "B" : "A");
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.constant(newVerifier()), fc.constant(s256Challenge(grant.verifier)), fc.constant(oneCharacterOff), fc.stringMatching(/^[A-Za-z0-9\-._~]{43,128}$/)),
      async (verifier) => {
        fc.pre(verifier !== grant.verifier);
        const answer = await app.exchange({ ...grant, verifier });
        expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
        expect(answer.body.access_token).toBeUndefined();
      },
    ),
    { numRuns: 8 },
  );
  // Not a verifier at all (§4.1: 43 to 128 unreserved characters): the request itself is refused.
  for (const malformed of [grant.verifier.slice(0, 42), `${grant.verifier}!`, "x".repeat(129)]) {
    const answer = await app.exchange({ ...grant, verifier: malformed });
    expect(answer.status, malformed).toBe(400);
    expect(["invalid_request", "invalid_grant"]).toContain(answer.body.error);
  }
  const withoutVerifier = await postForm(app.endpoints.token_endpoint, { grant_type: "authorization_code", client_id: app.clientId, code: grant.code, redirect_uri: grant.redirectUri });
  expect(withoutVerifier.status).toBe(400);
  expect(["invalid_request", "invalid_grant"]).toContain(withoutVerifier.body.error);
  // An attacker without the verifier cannot burn the app's code: the app that holds it still signs in.
  const rightful = await app.exchange(grant);
  expect(rightful.status).toBe(200);
  expect(rightful.body.refresh_token).toBeTruthy();
});

test("an authorization request without PKCE S256 (no challenge, the plain method, no method) gets invalid_request at the app's redirect URI and no code", async () => {
  const withoutS256: Record<string, string | null>[] = [
    { code_challenge: null, code_challenge_method: null },
    { code_challenge_method: "plain" },
    { code_challenge_method: null },
  ];
  for (const params of withoutS256) {
    const caught = await app.authorize(browserPage, noMember, params);
    expect(caught.error, JSON.stringify(params)).toBe("invalid_request");
    expect(caught.url.searchParams.get("code")).toBeNull();
  }
});

test("a code used a second time is refused (invalid_grant), and the tokens its first use gave are revoked", async () => {
  const grant = await freshCode();
  const first = await app.exchange(grant);
  expect(first.status).toBe(200);
  expect(await apiStatus(first.body.access_token!)).toBe(200);
  expect(await app.exchange(grant)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  expect(await refreshTokens(app.endpoints, app.clientId, first.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  expect(await apiStatus(first.body.access_token!)).toBe(401);
});

test("a code works only for its own redirect URI (another loopback port is refused) and its own client", async () => {
  const grant = await freshCode();
  const port = Number(new URL(grant.redirectUri).port);
  const otherPort = `http://127.0.0.1:${port === 65_535 ? port - 1 : port + 1}/callback`;
  for (const redirectUri of [otherPort, "http://127.0.0.1/callback", "com.example.connect:/callback"]) {
    expect(await app.exchange({ ...grant, redirectUri }), redirectUri).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  }
  const otherClient = await exchangeCode(app.endpoints, "another-app", grant);
  expect(otherClient.status).toBe(401);
  expect(otherClient.body.error).toBe("invalid_client");
  expect((await app.exchange(grant)).status).toBe(200);
});

test("a refresh token is rotated at every use; a reused one is refused (invalid_grant) and revokes its whole family, the newest token too", async () => {
  const tokens = await app.signInThroughBrowser(browserPage, memberContinues);
  expect(await app.refresh()).toEqual({ kind: "refreshed" });
  const rotated = app.tokens!;
  expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
  expect(await apiStatus(rotated.accessToken)).toBe(200);

  expect(await refreshTokens(app.endpoints, app.clientId, tokens.refreshToken)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  expect(await app.refresh()).toEqual({ kind: "sign-in-needed", error: "invalid_grant" });
  expect(await apiStatus(rotated.accessToken)).toBe(401);
});

test("a redirect URI that is not exactly registered is answered with an error page, never redirected to, whatever its spelling", async () => {
  const registered = E2E_OAUTH_APP.redirectUris;
  const authorizeWith = (redirectUri: string, clientId = app.clientId) =>
    fetch(`${app.endpoints.authorization_endpoint}?${new URLSearchParams({ client_id: clientId, response_type: "code", redirect_uri: redirectUri, scope: "openid api", state: "s", code_challenge: s256Challenge(newVerifier()), code_challenge_method: "S256" })}`, { redirect: "manual" });
  const named = ["http://127.0.0.1:8/elsewhere", "https://127.0.0.1:51234/callback", "http://localhost:51234/callback", "com.example.evil:/callback", "https://app.example.com/callback"];
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.constantFrom(...named), editedSpelling([...registered, "http://127.0.0.1:51234/callback"]).map((s) => s.spelled)), async (spelled) => {
      fc.pre(!exactlyAllowed(registered, spelled));
      const response = await authorizeWith(spelled);
      expect(response.status, spelled).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain('role="alert"');
    }),
    { numRuns: 40 },
  );
  const unknownApp = await authorizeWith("http://127.0.0.1:51234/callback", "another-app");
  expect(unknownApp.status).toBe(400);
  expect(unknownApp.headers.get("location")).toBeNull();

  // What the member sees in the browser: the portal's error page, and the browser stays on the portal.
  const response = await browserPage.goto(`${app.endpoints.authorization_endpoint}?${new URLSearchParams({ client_id: app.clientId, response_type: "code", redirect_uri: "http://localhost:51234/callback", state: "s", code_challenge: s256Challenge(newVerifier()), code_challenge_method: "S256" })}`);
  expect(response?.status()).toBe(400);
  await expect(browserPage.getByRole("heading", { name: "Sign-in error" })).toBeVisible();
  expect(new URL(browserPage.url()).origin).toBe(app.portal);
});

test("/oauth/revoke answers 200 for a live refresh token, for the same token again and for a token it never issued (RFC 7009 §2.2), and a revoked family is refused", async () => {
  const tokens = await app.signInThroughBrowser(browserPage, memberContinues);
  expect((await revokeToken(app.endpoints, app.clientId, tokens.refreshToken)).status).toBe(200);
  expect((await revokeToken(app.endpoints, app.clientId, tokens.refreshToken)).status).toBe(200);
  expect((await revokeToken(app.endpoints, app.clientId, "not-a-token-this-server-issued")).status).toBe(200);
  expect(await app.refresh()).toEqual({ kind: "sign-in-needed", error: "invalid_grant" });
  expect(await apiStatus(tokens.accessToken)).toBe(401);
});
