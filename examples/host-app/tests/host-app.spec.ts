import { expect, test, type Browser, type Page } from "@playwright/test";
import { messagesTo } from "../../../tests/fakes/vonage-client";
import { FAKES } from "./env";

// One user of the fake OpenID provider, new to each server; its organization (example.test,
// seeded) requires two-step authentication.
const EMAIL = "ada@example.test";
const SIGN_IN = /\/api\/auth\/signin/;

test.describe.configure({ mode: "serial" });

/**
 * One fake Vonage serves every server: each project (and the middleware-off test) has its own
 * number, and a code is read only from a message sent after the click, never an earlier run's.
 */
const PHONES: Record<string, string> = {
  "host-app": "+14155550123",
  "host-app-jwt": "+14155550124",
  "host-app-no-middleware": "+14155550125",
  "host-app-pglite": "+14155550126",
  "host-app-jwt-pglite": "+14155550127",
};

async function codeTextedAfter(phone: string, earlierMessages: number): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(async () => {
      const messages = await messagesTo(FAKES.vonageUrl, phone);
      code = messages.length > earlierMessages ? /(?<!\d)\d{6}(?!\d)/.exec(messages.at(-1)!.text)?.[0] : undefined;
      return code !== undefined;
    })
    .toBe(true);
  return code!;
}

/** From next-auth's sign-in page, through the OpenID provider's form. */
async function signInWithSso(page: Page) {
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByRole("button", { name: "Continue" }).click();
}

async function newPage(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  return { context, page: await context.newPage() };
}

async function setUpPhone(page: Page, phone: string): Promise<string[]> {
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  await page.getByLabel("Phone number", { exact: true }).fill(phone);
  const earlierMessages = (await messagesTo(FAKES.vonageUrl, phone)).length;
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Verify Your Phone" });
  await dialog.getByLabel("Verification code").fill(await codeTextedAfter(phone, earlierMessages));
  await dialog.getByRole("button", { name: "Verify Phone" }).click();
  await expect(page.getByRole("heading", { name: "Your backup codes" })).toBeVisible();
  return page.getByTestId("backup-code").allTextContents();
}

async function finishSetup(page: Page) {
  await page.getByLabel("I have stored my backup codes in a safe place").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText(`Signed in as ${EMAIL}`)).toBeVisible();
}

async function useBackupCode(page: Page, code: string) {
  // The list opens on the client: a click before the page has hydrated does nothing, so click again until it shows.
  const toggle = page.getByRole("button", { name: "Choose another verification method" });
  await expect(async () => {
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    await expect(page.getByRole("button", { name: "Use the backup code" })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole("button", { name: "Use the backup code" }).click();
  await page.getByLabel("Backup code").fill(code);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
}

test("a new user signs in with SSO, joins the organization, sets up SMS, and a backup code works once", async ({ page, browser, baseURL }) => {
  // Three browsers, two sign-ins through the provider each, and a setup: a long flow.
  test.setTimeout(120_000);
  const phone = PHONES[test.info().project.name]!;
  await page.goto("/");
  await expect(page).toHaveURL(SIGN_IN);
  await signInWithSso(page);

  // New at example.test: a member of the organization, whose requirement sends them to setup.
  const backupCodes = await setUpPhone(page, phone);
  expect(backupCodes).toHaveLength(10);
  await finishSetup(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Methods used: single sign-on, SMS code")).toBeVisible();
  // The strategy the server runs: a database row's random token, or next-auth's JWT (JWE).
  const session = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(session?.value).toMatch(test.info().project.name.startsWith("host-app-jwt") ? /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/ : /^[A-Za-z0-9_-]{43}$/);

  // Another browser: the SSO sign-in is held at the challenge, and the protected page stays closed.
  const second = await newPage(browser, baseURL);
  await second.page.goto("/");
  await signInWithSso(second.page);
  await expect(second.page).toHaveURL(/\/two-factor\/challenge$/);
  await expect(second.page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
  await second.page.goto("/");
  await expect(second.page).toHaveURL(/\/two-factor\/challenge$/);
  await expect(second.page.getByText("Signed in as")).toHaveCount(0);

  const backupCode = backupCodes[0]!;
  await useBackupCode(second.page, backupCode);
  await expect(second.page.getByText(`Signed in as ${EMAIL}`)).toBeVisible();
  await expect(second.page.getByText("Methods used: single sign-on, backup code")).toBeVisible();
  await second.context.close();

  // A third browser: the same backup code is refused.
  const third = await newPage(browser, baseURL);
  await third.page.goto("/");
  await signInWithSso(third.page);
  await expect(third.page).toHaveURL(/\/two-factor\/challenge$/);
  await useBackupCode(third.page, backupCode);
  await expect(third.page.locator("#backupCode-error")).toBeVisible();
  await expect(third.page).toHaveURL(/\/two-factor\/challenge$/);
  await third.page.goto("/");
  await expect(third.page.getByText("Signed in as")).toHaveCount(0);
  await third.context.close();
});

test("@middleware-off the protected page itself refuses a pending sign-in", async ({ page, browser, baseURL }) => {
  // Past the first factor only: held at setup, with the pending sign-in's cookie and no session.
  await page.goto("/");
  await expect(page).toHaveURL(SIGN_IN);
  await signInWithSso(page);
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  // With the middleware on, "/" would send the browser to /two-factor; here the page answers alone.
  await page.goto("/");
  await expect(page).toHaveURL(SIGN_IN);
  await expect(page.getByText("Signed in as")).toHaveCount(0);

  // Held at the challenge (the phone set up in another browser): refused the same way.
  const enrolled = await newPage(browser, baseURL);
  await enrolled.page.goto("/api/auth/signin");
  await signInWithSso(enrolled.page);
  await setUpPhone(enrolled.page, PHONES[test.info().project.name]!);
  await finishSetup(enrolled.page);
  await enrolled.context.close();
  await page.context().clearCookies();
  await page.goto("/api/auth/signin");
  await signInWithSso(page);
  await expect(page).toHaveURL(/\/two-factor\/challenge$/);
  await page.goto("/");
  await expect(page).toHaveURL(SIGN_IN);
  await expect(page.getByText("Signed in as")).toHaveCount(0);
});
