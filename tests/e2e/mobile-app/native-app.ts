// The scripted mobile app (issue 19 §5): what Connect for iOS does, in Node. It signs in through the
// system browser (RFC 8252: a Playwright page stands for it, one BrowserContext kept across sign-ins
// as a real browser keeps its cookies), with PKCE S256 and a state, catching the redirect on a
// loopback port; it checks state and iss (RFC 9207), exchanges the code, calls the API with its
// access token, refreshes (the refresh token rotates), and treats a refused refresh (invalid_grant)
// or the API's insufficient_user_authentication (RFC 9470) as "send the member back to the browser".
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { decodeJwt, type JWTPayload } from "jose";
import { newVerifier, s256Challenge } from "../../../lib/oauth/pkce";
import { listenForRedirect } from "./loopback-redirect";
import { bearerError, discoverEndpoints, exchangeCode, refreshTokens, revokeToken, type CodeGrant, type Endpoints, type TokenAnswer } from "./token-endpoint";

/** The member's part in the browser, from the authorization request to the redirect to the app. */
export type MemberInBrowser = (page: Page) => Promise<void>;

/** The redirect the app caught, its state and iss already checked. */
export interface CaughtRedirect extends CodeGrant {
  url: URL;
  error: string | null;
}

export type RefreshOutcome = { kind: "refreshed" } | { kind: "sign-in-needed"; error: string };

export type ApiOutcome =
  | { kind: "ok"; body: unknown }
  | { kind: "sign-in-needed"; why: string }
  | { kind: "failed"; status: number; wwwAuthenticate: string | null; body: string };

export interface AppTokens {
  accessToken: string;
  refreshToken: string;
}

export class NativeApp {
  tokens: AppTokens | null = null;
  /** How long the browser may take to reach the app once the member's part is done (a failure then says where it stopped). */
  browserLegMs = 30_000;

  private constructor(
    readonly portal: string,
    readonly clientId: string,
    readonly endpoints: Endpoints,
  ) {}

  /** The app as installed: it knows the portal's origin and its own client id, and reads the rest from discovery. */
  static async install(portal: string, clientId: string): Promise<NativeApp> {
    return new NativeApp(portal, clientId, await discoverEndpoints(portal));
  }

  /**
   * Opens an authorization request in the browser and waits for the redirect to the app. `params`
   * overrides the request's parameters (null drops one), for the tests of refused requests.
   */
  async authorize(page: Page, member: MemberInBrowser, params: Record<string, string | null> = {}): Promise<CaughtRedirect> {
    const listener = await listenForRedirect();
    try {
      const verifier = newVerifier();
      const state = randomBytes(16).toString("base64url");
      const query: Record<string, string | null> = {
        client_id: this.clientId,
        response_type: "code",
        redirect_uri: listener.redirectUri,
        scope: "openid api",
        state,
        code_challenge: s256Challenge(verifier),
        code_challenge_method: "S256",
        ...params,
      };
      const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== null));
      await page.goto(`${this.endpoints.authorization_endpoint}?${search}`);
      await member(page);
      await page.waitForURL((at) => at.href.startsWith(listener.redirectUri), { timeout: this.browserLegMs }).catch(async () => {
        const shown = await page.locator("body").innerText().catch(() => "");
        throw new Error(`the browser did not come back to the app; it shows ${page.url()}: ${shown.slice(0, 300)}`);
      });
      const url = await listener.received;
      // RFC 6749 §10.12 and RFC 9207 §2.4: a redirect the app did not ask for, or from another
      // authorization server, is dropped before its code is looked at.
      if (url.searchParams.get("state") !== state) throw new Error(`the redirect's state does not match: ${url}`);
      if (url.searchParams.get("iss") !== this.endpoints.issuer) throw new Error(`the redirect's iss is not the portal's issuer: ${url}`);
      return { url, code: url.searchParams.get("code") ?? "", error: url.searchParams.get("error"), verifier, redirectUri: listener.redirectUri };
    } finally {
      await listener.close();
    }
  }

  exchange(grant: CodeGrant): Promise<TokenAnswer> {
    return exchangeCode(this.endpoints, this.clientId, grant);
  }

  /** Signs in through the browser and keeps the tokens; throws with the server's answer when it gets none. */
  async signInThroughBrowser(page: Page, member: MemberInBrowser): Promise<AppTokens> {
    const caught = await this.authorize(page, member);
    if (caught.error) throw new Error(`the sign-in ended with ${caught.error}: ${caught.url.searchParams.get("error_description")}`);
    const answer = await this.exchange(caught);
    if (answer.status !== 200 || !answer.body.access_token || !answer.body.refresh_token) {
      throw new Error(`the code exchange answered ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    this.tokens = { accessToken: answer.body.access_token, refreshToken: answer.body.refresh_token };
    return this.tokens;
  }

  /** Refreshes and keeps the rotated pair; a refusal forgets the tokens: the member signs in again. */
  async refresh(): Promise<RefreshOutcome> {
    if (!this.tokens) return { kind: "sign-in-needed", error: "no refresh token" };
    const answer = await refreshTokens(this.endpoints, this.clientId, this.tokens.refreshToken);
    if (answer.status === 200 && answer.body.access_token && answer.body.refresh_token) {
      this.tokens = { accessToken: answer.body.access_token, refreshToken: answer.body.refresh_token };
      return { kind: "refreshed" };
    }
    if (answer.body.error !== "invalid_grant") throw new Error(`the refresh answered ${answer.status} ${JSON.stringify(answer.body)}`);
    this.tokens = null;
    return { kind: "sign-in-needed", error: answer.body.error };
  }

  /** GET on the API with the access token; an expired or revoked one is refreshed once and the call repeated. */
  async callApi(path: string): Promise<ApiOutcome> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (!this.tokens) return { kind: "sign-in-needed", why: "no tokens" };
      const response = await fetch(`${this.portal}${path}`, { headers: { authorization: `Bearer ${this.tokens.accessToken}`, accept: "application/json" } });
      if (response.ok) return { kind: "ok", body: await response.json() };
      const challenge = response.headers.get("www-authenticate");
      const error = response.status === 401 ? bearerError(challenge) : null;
      if (error === "insufficient_user_authentication") return { kind: "sign-in-needed", why: error };
      if (error !== "invalid_token" || attempt > 0) return { kind: "failed", status: response.status, wwwAuthenticate: challenge, body: await response.text() };
      const refreshed = await this.refresh();
      if (refreshed.kind === "sign-in-needed") return { kind: "sign-in-needed", why: refreshed.error };
    }
    throw new Error("unreachable");
  }

  /** Signs out of the app: revokes the refresh token (RFC 7009), which ends its family; the status the server answered. */
  async signOut(): Promise<number> {
    if (!this.tokens) return 200;
    const answer = await revokeToken(this.endpoints, this.clientId, this.tokens.refreshToken);
    this.tokens = null;
    return answer.status;
  }

  /** The access token's claims as sent (the spec checks the signature itself, against the issuer's keys). */
  accessTokenClaims(): JWTPayload & { amr?: string[]; org?: string | null } {
    if (!this.tokens) throw new Error("no access token");
    return decodeJwt(this.tokens.accessToken);
  }
}
