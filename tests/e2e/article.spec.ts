import type { Browser, Page } from "@playwright/test";
import { E2E_PASSWORD } from "./env";
import { expect, test } from "./fixtures";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { openOutboxWith } from "./pages/outbox-page";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// The help article, step by step, on the production build with the real Vonage SDK talking to
// the fake Vonage SMS API. One serial story: each step builds on the one before.
test.describe.configure({ mode: "serial" });

const PHONE = "+14155552671";
const NEW_PASSWORD = "a brand new password 2026";
let backupCodes: string[] = [];
let trustedContext: Awaited<ReturnType<Browser["newContext"]>>;

async function freshPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test("the owner requires two-factor authentication for all members", async ({ page }) => {
  await new SignInPage(page).signIn(E2E_USERS.articleOwner);
  const settings = new AccountSettingsPage(page);
  await settings.goto();
  await settings.setRequirement(true);
});

test("a member's next sign-in asks them to add a phone number, refusing badly formed numbers", async ({ page, vonageUrl }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(E2E_USERS.articleMember);
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  await expect(
    page.getByText(
      "The owner of this account requires two-step authentication for all users. Start the setup by adding your phone number.",
    ),
  ).toBeVisible();
  await expect(page.getByText("without any dashes, brackets, or parentheses. Example: +17891234567")).toBeVisible();

  // Held in the 2FA pages: no other page opens, and no session exists.
  await page.goto("/");
  await expect(page).toHaveURL(/\/two-factor/);

  const setup = new SetupPage(page);
  const refusals: [string, RegExp][] = [
    ["+1-789-123-4567", /Remove the dashes/],
    ["+1(789)1234567", /Remove the brackets and parentheses/],
    ["+1 789 123 4567", /Remove the spaces/],
    ["17891234567", /Start with a "\+" and your country code/],
    ["+1789CALLNOW", /remove the letters/],
    ["+19999999999", /not a valid phone number/],
  ];
  for (const [input, message] of refusals) {
    await setup.sendCode(input);
    await expect(setup.phoneError()).toHaveText(message);
    await expect(page.getByLabel("Phone number")).toHaveValue(input);
  }
  expect(await codeFromFake(vonageUrl, PHONE).catch(() => null)).toBeNull();

  await setup.sendCode(PHONE);
  await expect(setup.dialog()).toBeVisible();
  await expect(setup.dialog().getByLabel("Verification code")).toBeFocused();
  // An accessible modal: Escape closes it, and it can be opened again.
  await page.keyboard.press("Escape");
  await expect(setup.dialog()).toBeHidden();
  await page.getByRole("button", { name: "Enter the verification code" }).click();
  await expect(setup.dialog()).toBeVisible();
  const code = await codeFromFake(vonageUrl, PHONE);

  const wrong = code === "000000" ? "111111" : "000000";
  await setup.verify(wrong);
  await expect(setup.dialog().locator("#code-error")).toHaveText("That code is not right. 4 tries left for this code.");

  await setup.verify(code);
  backupCodes = await setup.backupCodes();
  expect(backupCodes).toHaveLength(10);
  await expect(page.getByRole("button", { name: "Copy codes" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Download codes" })).toBeVisible();
  await expect(page.getByText("store them in a secure place")).toBeVisible();
  await setup.finish();
  await expect(page.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();
  await page.getByRole("link", { name: "Continue to the portal" }).click();
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.articleMember);
  await signOut(page);
});

test("on a new device: the code is texted at once, a resend voids the old code, the new one signs in and the device is trusted", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  test.setTimeout(120_000);
  trustedContext = await browser.newContext({ baseURL });
  const page = await trustedContext.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(E2E_USERS.articleMember);
  const challenge = new ChallengePage(page);
  await challenge.expectShown();
  await expect(page.getByLabel("Verification code")).toHaveAttribute("autocomplete", "one-time-code");
  await expect(page.getByLabel("Verification code")).toHaveAttribute("inputmode", "numeric");
  await expect(page.getByLabel("Trust this device")).toBeChecked();
  await expect(page.getByRole("link", { name: "Submit a change of password request" })).toBeVisible();
  const first = await codeFromFake(vonageUrl, PHONE);

  await expect(page.getByText(/You can ask for a new code in \d+ s\./)).toBeVisible();
  await expect(page.getByText(/You can ask for a new code in/)).toBeHidden({ timeout: 40_000 });
  await challenge.resendButton().click();
  await expect(page.getByRole("status")).toContainText("We sent a new code");
  const second = await codeFromFake(vonageUrl, PHONE, first);

  await challenge.verifySms(first);
  await expect(challenge.fieldError("code")).toHaveText(/expired or was replaced|not right/);
  await challenge.verifySms(second);
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.articleMember);
  await signOut(page);

  // The same browser is trusted now: password alone.
  await signIn.submit(E2E_USERS.articleMember);
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.articleMember);
});

test("another device signs in with a backup code, and the same backup code is refused a second time", async ({ browser, baseURL }) => {
  const page = await freshPage(browser, baseURL);
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(E2E_USERS.articleMember);
  const challenge = new ChallengePage(page);
  await challenge.expectShown();
  await challenge.useBackupCode(backupCodes[0]!.toLowerCase(), { trust: false });
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.articleMember);
  await signOut(page);

  await signIn.submit(E2E_USERS.articleMember);
  await challenge.expectShown();
  await challenge.useBackupCode(backupCodes[0]!, { trust: false });
  await expect(challenge.fieldError("backupCode")).toHaveText("That backup code is not right or was already used.");
  await expect(page).toHaveURL(/\/two-factor\/challenge/);
});

test("the owner, on a new browser, sets up 2FA too, then lifts the requirement; the member's next sign-in needs only the password", async ({
  page,
  browser,
  baseURL,
  vonageUrl,
}) => {
  const ownerPhone = "+14155552672";
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(E2E_USERS.articleOwner);
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  const setup = new SetupPage(page);
  await setup.sendCode(ownerPhone);
  await setup.verify(await codeFromFake(vonageUrl, ownerPhone));
  expect(await setup.backupCodes()).toHaveLength(10);
  await setup.finish();
  await expect(page.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();

  const settings = new AccountSettingsPage(page);
  await settings.goto();
  await settings.setRequirement(false);

  const member = await freshPage(browser, baseURL);
  await new SignInPage(member).signIn(E2E_USERS.articleMember);
});

test("a change of password request completes through the outbox, ends other sessions and trusted devices", async ({ browser, baseURL }) => {
  const page = await freshPage(browser, baseURL);
  await page.goto("/password-reset");
  await page.getByLabel("Email", { exact: true }).fill(E2E_USERS.articleMember);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account exists for that email");

  const resetLink = /http:\/\/localhost:\d+\/password-reset\/[A-Za-z0-9_-]+/;
  const link = resetLink.exec(await openOutboxWith(page, resetLink))?.[0];
  expect(link).toBeTruthy();
  await page.goto(link!);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText("Your password has been changed. Sign in with your new password.");

  // The link works once.
  await page.goto(link!);
  await page.getByLabel("New password", { exact: true }).fill("yet another password 1");
  await page.getByLabel("Confirm new password").fill("yet another password 1");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "expired or was already used" })).toBeVisible();

  // The session of the trusted browser ended.
  const trustedPage = await trustedContext.newPage();
  await trustedPage.goto("/");
  await expect(trustedPage).toHaveURL(/\/sign-in/);

  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(E2E_USERS.articleMember, E2E_PASSWORD);
  await expect(signIn.error()).toHaveText("The email or password is incorrect.");
  await signIn.signIn(E2E_USERS.articleMember, NEW_PASSWORD);
});

test("any member can turn on two-step authentication for their own account from the Security page", async ({ page, vonageUrl }) => {
  const phone = "+447911123456";
  await new SignInPage(page).signIn(E2E_USERS.selfEnabler);
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByTestId("two-factor-status")).toContainText("Off");
  const setup = new SetupPage(page);
  await setup.sendCode(phone);
  await expect(setup.dialog()).toBeVisible();
  await setup.verify(await codeFromFake(vonageUrl, phone));
  expect(await setup.backupCodes()).toHaveLength(10);
  await setup.finish();
  await expect(page.getByRole("status").filter({ hasText: "Two-step authentication has been enabled!" })).toBeVisible();
  await signOut(page);

  // Their organization does not require it, but they turned it on: the next sign-in asks.
  await new SignInPage(page).submit(E2E_USERS.selfEnabler);
  const challenge = new ChallengePage(page);
  await challenge.expectShown();
  const code = await codeFromFake(vonageUrl, phone);
  await challenge.verifySms(code, { trust: false });
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.selfEnabler);
});
