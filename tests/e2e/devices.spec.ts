import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 5, item 5: the member's list of trusted devices, with this one marked, and revoke.
const EMAIL = E2E_USERS.deviceOwner;
const PHONE = "+14155553006";

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** Password, then the texted code with "Trust this device" ticked. */
async function signInTrusting(page: Page, vonageUrl: string, previousCode?: string): Promise<string> {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(EMAIL);
  const challenge = new ChallengePage(page);
  await challenge.expectShown();
  const code = await codeFromFake(vonageUrl, PHONE, previousCode);
  await challenge.verifySms(code, { trust: true });
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  return code;
}

async function newPage(browser: Browser, baseURL: string | undefined, userAgent: string) {
  return (await browser.newContext({ baseURL, userAgent })).newPage();
}

test("a member sees their trusted devices with this one marked, revokes another, and only that device is asked for a code again", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  test.setTimeout(90_000);
  const firefox = await newPage(browser, baseURL, "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0");
  await new SignInPage(firefox).signIn(EMAIL);
  const { code: setupCode } = await new SetupPage(firefox).enrollOnSecurityPage(vonageUrl, PHONE);
  await signOut(firefox);
  const firstCode = await signInTrusting(firefox, vonageUrl, setupCode);

  const chrome = await newPage(browser, baseURL, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36");
  await signInTrusting(chrome, vonageUrl, firstCode);
  await chrome.goto("/security");
  const devices = chrome.getByTestId("trusted-device");
  await expect(devices).toHaveCount(2);
  const thisOne = devices.filter({ hasText: "This device" });
  await expect(thisOne).toHaveCount(1);
  await expect(thisOne).toContainText("Chrome");
  await expect(devices.filter({ hasNotText: "This device" })).toContainText("Firefox");

  await chrome.getByRole("button", { name: /^Revoke Firefox/ }).click();
  await expect(devices).toHaveCount(1);
  await expect(devices).toContainText("This device");

  // The revoked browser is asked for a code at its next sign-in; the other one is not.
  await signOut(firefox);
  await new SignInPage(firefox).goto();
  await new SignInPage(firefox).submit(EMAIL);
  await new ChallengePage(firefox).expectShown();
  await signOut(chrome);
  await new SignInPage(chrome).signIn(EMAIL);
});
