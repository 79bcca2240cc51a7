// `npm run oauth:app -- --portal <origin> [--client-id <id>] [--keep] [--headless --email <e> --password <p>]`:
// the scripted mobile app (tests/e2e/mobile-app/native-app.ts) by hand. It opens a Chromium window
// at the portal's sign-in, waits while you sign in there (whatever your organization asks), then
// prints the token's amr and organization, calls /api/v1/me, refreshes once, and signs out
// (--keep leaves the app signed in). The client needs a loopback redirect URI
// (http://127.0.0.1/callback) in OAUTH_CLIENTS. --headless with --email and --password fills the
// password step itself and presses Continue: for an organization that asks no second factor.
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { NativeApp } from "../tests/e2e/mobile-app/native-app";

const { values } = parseArgs({
  options: {
    portal: { type: "string", default: "http://localhost:3000" },
    "client-id": { type: "string", default: "connect-cli" },
    keep: { type: "boolean", default: false },
    headless: { type: "boolean", default: false },
    email: { type: "string" },
    password: { type: "string" },
  },
});

async function scriptedPasswordStep(page: Page) {
  if (!values.email || !values.password) return;
  await page.getByLabel("Email", { exact: true }).fill(values.email);
  await page.getByLabel("Password").fill(values.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Continue", exact: true }).click();
}

const browser = await chromium.launch({ headless: values.headless, executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const app = await NativeApp.install(values.portal!, values["client-id"]!);
  // A person signs in in the window: give them time.
  app.browserLegMs = values.email ? 30_000 : 10 * 60_000;
  const page = await (await browser.newContext()).newPage();
  console.log(values.email ? `Signing in as ${values.email} …` : `Sign in in the browser window (${app.endpoints.authorization_endpoint}) …`);
  await app.signInThroughBrowser(page, scriptedPasswordStep);
  const { amr, org, exp } = app.accessTokenClaims();
  console.log(JSON.stringify({ signedIn: true, amr, org, expiresAt: exp ? new Date(exp * 1000).toISOString() : null }));
  console.log(JSON.stringify({ "/api/v1/me": await app.callApi("/api/v1/me") }));
  console.log(JSON.stringify({ refresh: await app.refresh() }));
  console.log(JSON.stringify({ "/api/v1/me": await app.callApi("/api/v1/me") }));
  if (!values.keep) console.log(JSON.stringify({ signedOut: await app.signOut() }));
} finally {
  await browser.close();
}
