import fs from "node:fs";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { serverLogFile } from "./pages/fault-member";
import { newestLinkFor } from "./pages/outbox-page";
import { ChallengePage, codeFromFake } from "./pages/two-factor-pages";
import { E2E_SSO_PHONES, E2E_USERS } from "./seed";

// Issue 16: every first factor next-auth offers the portal (SSO through the fake OpenID provider,
// an email sign-in link) is held by the plugin until the organization's second factor.

/** "Sign in with SSO", then the fake provider's own page: its Email field and Continue. */
async function signInWithSso(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await expect(page.getByRole("heading", { name: /^Sign in to / })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** The newest sign-in link emailed to `email`, from the dev outbox. */
const signInLinkFor = (page: Page, email: string) => newestLinkFor(page, email, /https?:\/\/\S+\/api\/auth\/callback\/email\?\S+/);

test("a member signing in with SSO still owes the organization's second factor: challenged, then signed in, and challenged again on a new browser", async ({ browser, baseURL, vonageUrl, databaseSessions }) => {
  for (const round of [1, 2]) {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await signInWithSso(page, E2E_USERS.ssoMember);
    await expect(page).toHaveURL(/\/two-factor\/challenge/);
    // Nothing but the two-factor pages while the second factor is owed.
    await page.goto("/security");
    await expect(page).toHaveURL(/\/two-factor\/challenge/);
    const code = await codeFromFake(vonageUrl, E2E_SSO_PHONES.ssoMember);
    await new ChallengePage(page).verifySms(code, { trust: false });
    await expect(page.getByTestId("signed-in-email"), `round ${round}`).toHaveText(E2E_USERS.ssoMember);
    // The session the server's strategy keeps: a database row's random token, or next-auth's JWT (JWE).
    const session = (await context.cookies()).find((c) => c.name === "authjs.session-token");
    expect(session?.value).toMatch(databaseSessions ? /^[A-Za-z0-9_-]{43}$/ : /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/);
    await context.close();
  }
});

test("an SSO account whose email the provider has not verified is refused and nothing is linked or started", async ({ page }) => {
  await signInWithSso(page, "sso-unverified@example.com");
  await expect(page).toHaveURL(/\/sign-in\?error=EmailNotVerified/);
  await expect(page.getByRole("alert").filter({ hasText: "email address is not verified" })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a newcomer from SSO with a verified email gets an account in no organization, so nothing requires a second factor of them", async ({ page }) => {
  await signInWithSso(page, "sso-newcomer@example.com");
  await expect(page.getByTestId("signed-in-email")).toHaveText("sso-newcomer@example.com");
  await expect(page.getByRole("link", { name: "Account Settings" })).toHaveCount(0);
});

test("an email sign-in link is held for the second factor too, and works once", async ({ browser, baseURL, vonageUrl }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email for a sign-in link").fill(E2E_USERS.emailLinkMember);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "we have emailed it a sign-in link" })).toBeVisible();
  const link = await signInLinkFor(page, E2E_USERS.emailLinkMember);

  await page.goto(link);
  await expect(page).toHaveURL(/\/two-factor\/challenge/);
  const code = await codeFromFake(vonageUrl, E2E_SSO_PHONES.emailLinkMember);
  await new ChallengePage(page).verifySms(code, { trust: false });
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.emailLinkMember);
  await context.close();

  // The same link again, on another browser: used up.
  const again = await (await browser.newContext({ baseURL })).newPage();
  await again.goto(link);
  await expect(again).toHaveURL(/\/sign-in\?error=Verification/);
  await expect(again.getByRole("alert").filter({ hasText: "expired or was already used" })).toBeVisible();
  await again.context().close();

  // The link's token is in the server log only where the dev outbox prints the email (its job),
  // never in a log line of next-auth or the plugin, though it was used twice.
  const token = new URL(link).searchParams.get("token")!;
  expect(token.length).toBeGreaterThanOrEqual(32);
  expect(fs.readFileSync(serverLogFile(baseURL!), "utf8").split(token).length - 1).toBe(1);
});

test("an address that is no member's gets the same answer and no email", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email for a sign-in link").fill("nobody-here@example.com");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "we have emailed it a sign-in link" })).toBeVisible();
  await page.goto("/dev/outbox");
  await expect(page.getByTestId("outbox-recipient").getByText("nobody-here@example.com", { exact: true })).toHaveCount(0);
});
