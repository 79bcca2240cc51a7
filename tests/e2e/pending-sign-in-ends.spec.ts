import type { Browser, Page } from "@playwright/test";
import { messagesTo } from "../fakes/vonage-client";
import { E2E_PASSWORD } from "./env";
import { expect, test } from "./fixtures";
import { resetLinkFor } from "./pages/outbox-page";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 13, items 1 and 2, as an attacker who knows only the password would try them in a browser:
// a sign-in parked at setup or at the challenge does not outlive the user's own change.
test.describe.configure({ mode: "serial" });

const USER_PHONE = "+14155550142";
const ATTACKER_PHONE = "+14155550199";
const NEW_PASSWORD = "parked member's new password";
const ENDED = "That sign-in has ended because the account's security settings changed since it began";
let backupCodes: string[] = [];

async function parkedAt(browser: Browser, baseURL: string | undefined, password = E2E_PASSWORD): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(E2E_USERS.parked, password);
  return page;
}

test("a browser parked at setup is sent back to sign in once the user set up their own phone, and texts nothing", async ({ browser, baseURL, vonageUrl }) => {
  const attacker = await parkedAt(browser, baseURL);
  await expect(attacker).toHaveURL(/\/two-factor\/setup$/);
  const attackerSetup = new SetupPage(attacker);
  await attackerSetup.sendCode(ATTACKER_PHONE);
  const attackerCode = await codeFromFake(vonageUrl, ATTACKER_PHONE);
  const texted = (await messagesTo(vonageUrl, ATTACKER_PHONE)).length;

  // the user signs in on their own device and sets up their phone
  const user = await parkedAt(browser, baseURL);
  const setup = new SetupPage(user);
  await setup.sendCode(USER_PHONE);
  await setup.verify(await codeFromFake(vonageUrl, USER_PHONE));
  backupCodes = await setup.backupCodes();
  await setup.finish();
  await expect(user.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();

  // the parked browser's code, verified now, replaces nothing: it is sent to sign in
  await attackerSetup.verify(attackerCode);
  await expect(attacker).toHaveURL(/\/sign-in\?ended=1$/);
  await expect(attacker.getByText(ENDED)).toBeVisible();
  // and it can neither come back to setup nor send another code
  await attacker.goto("/two-factor/setup");
  await expect(attacker).toHaveURL(/\/sign-in/);
  expect(await messagesTo(vonageUrl, ATTACKER_PHONE)).toHaveLength(texted);
  const session = await (await attacker.request.get("/api/auth/session")).json();
  expect(session?.user).toBeFalsy();

  // the user's own phone and backup codes stand: a new browser is challenged on their phone
  const other = await parkedAt(browser, baseURL);
  await new ChallengePage(other).expectShown();
  await codeFromFake(vonageUrl, USER_PHONE);
});

test("a challenge parked before a password reset cannot be completed after it, even with a valid backup code", async ({ browser, baseURL }) => {
  const attacker = await parkedAt(browser, baseURL);
  const challenge = new ChallengePage(attacker);
  await challenge.expectShown();

  const user = await (await browser.newContext({ baseURL })).newPage();
  await user.goto("/password-reset");
  await user.getByLabel("Email", { exact: true }).fill(E2E_USERS.parked);
  await user.getByRole("button", { name: "Send reset link" }).click();
  await user.goto(await resetLinkFor(user, E2E_USERS.parked));
  await user.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await user.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await user.getByRole("button", { name: "Change password" }).click();
  await expect(user.getByRole("status")).toHaveText("Your password has been changed. Sign in with your new password.");

  await challenge.useBackupCode(backupCodes[0]!, { trust: false });
  await expect(attacker).toHaveURL(/\/sign-in\?ended=1$/);
  const session = await (await attacker.request.get("/api/auth/session")).json();
  expect(session?.user).toBeFalsy();

  // the backup code was not used up: the user signs in with the new password and that code
  const again = await parkedAt(browser, baseURL, NEW_PASSWORD);
  await new ChallengePage(again).useBackupCode(backupCodes[0]!, { trust: false });
  await expect(again.getByTestId("signed-in-email")).toHaveText(E2E_USERS.parked);
});

test("'Cancel and go back to sign in' ends the sign-in parked at the challenge: the page does not open again and no session exists", async ({ browser, baseURL }) => {
  const page = await parkedAt(browser, baseURL, NEW_PASSWORD);
  await new ChallengePage(page).expectShown();
  const pendingCookies = async () => (await page.context().cookies()).filter((c) => c.name.endsWith("-pending"));
  expect(await pendingCookies()).toHaveLength(1);

  await page.getByRole("button", { name: "Cancel and go back to sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  expect(await pendingCookies()).toEqual([]);

  await page.goto("/two-factor/challenge");
  await expect(page).toHaveURL(/\/sign-in/);
  const session = await (await page.request.get("/api/auth/session")).json();
  expect(session?.user).toBeFalsy();
});
