// Issue 19: the native app's side of an authorization, for the browser tests: the authorize URL
// with PKCE (as tests/helpers/oauth-native-app.ts builds it), a loopback listener on an ephemeral
// port that plays the app's redirect URI and records what it receives, and the portal's app
// sign-in page.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page } from "@playwright/test";
import { newVerifier, s256Challenge } from "@/lib/oauth/pkce";
import { E2E_OAUTH_APP } from "../env";

export class FakeNativeApp {
  private readonly received: URL[] = [];
  private constructor(
    private readonly server: http.Server,
    readonly redirectUri: string,
  ) {
    server.on("request", (req, res) => {
      const url = new URL(req.url ?? "/", redirectUri);
      // The browser asks for a favicon too: only the redirect URI's own path counts.
      if (url.pathname === "/callback") this.received.push(url);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end('<!doctype html><html lang="en"><title>App</title><main><h1>Back in the app</h1></main></html>');
    });
  }

  static async start(): Promise<FakeNativeApp> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    return new FakeNativeApp(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`);
  }

  /** A new authorization request: its URL on the portal, the verifier the app keeps and the state it expects back. */
  authorization(baseURL: string) {
    const verifier = newVerifier();
    const state = `state-${Math.random().toString(36).slice(2)}`;
    const query = new URLSearchParams({
      client_id: E2E_OAUTH_APP.clientId,
      response_type: "code",
      redirect_uri: this.redirectUri,
      scope: "openid api",
      state,
      code_challenge: s256Challenge(verifier),
      code_challenge_method: "S256",
    });
    return { url: `${baseURL}/oauth/authorize?${query}`, verifier, state };
  }

  /** What the app's redirect URI receives next, after `act` (a click that ends the step). */
  async redirectAfter(act: () => Promise<unknown>): Promise<URLSearchParams> {
    const before = this.received.length;
    await act();
    await expect.poll(() => this.received.length, { message: "the app's redirect URI was called" }).toBeGreaterThan(before);
    return this.received.at(-1)!.searchParams;
  }

  receivedCount() {
    return this.received.length;
  }

  /** The app's code exchange (a public client: client id and verifier, no secret). */
  async exchange(baseURL: string, code: string, verifier: string) {
    const response = await fetch(`${baseURL}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: this.redirectUri, client_id: E2E_OAUTH_APP.clientId }),
    });
    return { status: response.status, body: (await response.json()) as { access_token?: string; refresh_token?: string; error?: string } };
  }

  close() {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The claims of a JWT access token (read, not checked: the API checks them). */
export function tokenClaims(token: string): { amr?: string[]; sub?: string } {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}

export class AppSignInPage {
  constructor(private readonly page: Page) {}

  async expectReady(appName: string, email: string) {
    await expect(this.page.getByRole("heading", { level: 1, name: `Sign in to ${appName}` })).toBeVisible();
    await expect(this.page.getByText(`Signed in as ${email}`)).toBeVisible();
  }

  async expectSignInAgain(appName: string) {
    await expect(this.page.getByRole("heading", { level: 1, name: `Sign in again to continue to ${appName}` })).toBeVisible();
  }

  /** The step's uid, from the page's address (/app-sign-in/:uid). */
  uid(): string {
    const match = /\/app-sign-in\/([\w-]+)$/.exec(new URL(this.page.url()).pathname);
    if (!match) throw new Error(`not on the app sign-in page: ${this.page.url()}`);
    return match[1]!;
  }

  continue() {
    return this.page.getByRole("button", { name: "Continue", exact: true }).click();
  }

  cancel() {
    return this.page.getByRole("button", { name: "Cancel", exact: true }).click();
  }

  signInAgain() {
    return this.page.getByRole("button", { name: "Sign in again", exact: true }).click();
  }
}
