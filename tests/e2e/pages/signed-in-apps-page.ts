import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { newVerifier, s256Challenge } from "../../../lib/oauth/pkce";
import { E2E_OAUTH_APP } from "../env";

/** The app's loopback redirect URI (RFC 8252 §7.3: any port); nothing listens there, the redirect is read, not followed. */
const REDIRECT_URI = "http://127.0.0.1:9/callback";

/**
 * The native app's sign-in as far as this page needs it: the browser (this page's context, already
 * signed in to the portal) opens /oauth/authorize, Continue on the portal's sign-in step finishes
 * with its session, and the app exchanges the code. The scripted app does the whole journey.
 */
export async function signInAppWithThisBrowser(page: Page): Promise<{ refreshToken: string }> {
  const verifier = newVerifier();
  const query = new URLSearchParams({
    client_id: E2E_OAUTH_APP.clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "openid api",
    state: "e2e",
    code_challenge: s256Challenge(verifier),
    code_challenge_method: "S256",
  });
  let url = `/oauth/authorize?${query}`;
  for (let hops = 0; hops < 10; hops += 1) {
    // The portal's first-party page ("Sign in to Connect for iOS"): its Continue, posted as its form does.
    const step = /^(?:https?:\/\/[^/]+)?\/app-sign-in\/([\w-]+)$/.exec(url);
    const response = step
      ? await page.request.post(`/oauth/interaction/${step[1]}`, { form: { action: "continue" }, headers: { origin: new URL(page.url()).origin }, maxRedirects: 0 })
      : await page.request.get(url, { maxRedirects: 0 });
    const location = response.headers()["location"];
    if (!location) throw new Error(`the authorization stopped at ${url}: ${response.status()} ${await response.text()}`);
    if (location.startsWith(REDIRECT_URI)) {
      const code = new URL(location).searchParams.get("code");
      if (!code) throw new Error(`no code in ${location}`);
      const token = await page.request.post("/oauth/token", {
        form: { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: E2E_OAUTH_APP.clientId },
      });
      expect(token.status(), await token.text()).toBe(200);
      return { refreshToken: ((await token.json()) as { refresh_token: string }).refresh_token };
    }
    // The portal's own redirects: a path, or a URL on the portal's origin (the issuer's).
    url = location;
  }
  throw new Error("too many redirects");
}

/** The app's refresh, as the app sends it. */
export async function refreshApp(page: Page, refreshToken: string) {
  const response = await page.request.post("/oauth/token", { form: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: E2E_OAUTH_APP.clientId } });
  return { status: response.status(), body: (await response.json()) as { error?: string; refresh_token?: string } };
}

/** The Security page's "Signed-in apps" section. */
export class SignedInAppsSection {
  constructor(private readonly page: Page) {}

  section() {
    return this.page.getByRole("region", { name: "Signed-in apps" });
  }

  rows() {
    return this.section().getByTestId("signed-in-app");
  }

  async goto() {
    await this.page.goto("/security");
    await expect(this.section()).toBeVisible();
  }

  async expectNone() {
    await expect(this.section()).toContainText("No apps are signed in to your account.");
    await expect(this.rows()).toHaveCount(0);
  }

  async revoke(appName: string) {
    await this.rows().filter({ hasText: appName }).first().getByRole("button", { name: new RegExp(`^Revoke ${appName}`) }).click();
  }

  async expectNoSeriousViolations() {
    await expect(this.page).toHaveTitle(/\S/);
    const results = await new AxeBuilder({ page: this.page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
    const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious).toEqual([]);
  }
}
