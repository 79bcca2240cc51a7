import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { E2E_OAUTH_APP } from "./env";
import { expect, test } from "./fixtures";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { AppSignInPage, FakeNativeApp, tokenClaims } from "./pages/app-sign-in-page";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_APP_SIGN_IN_PHONES, E2E_USERS } from "./seed";

// Issue 19 §1: a native app signs in through the portal's own pages in the system browser. The app
// is a loopback listener on an ephemeral port (its registered redirect URI allows any port).

const APP = E2E_OAUTH_APP.name;
let app: FakeNativeApp;
test.beforeAll(async () => {
  app = await FakeNativeApp.start();
});
test.afterAll(async () => {
  await app.close();
});

async function expectNoSeriousViolations(page: Page, what: string) {
  await expect(page, `${what}: the document's title`).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, what).toEqual([]);
}

/** The portal's session cookie gone (the browser's other cookies, a trusted device's, kept). */
async function signOutOfPortal(context: BrowserContext) {
  const kept = (await context.cookies()).filter((cookie) => !cookie.name.includes("authjs.session-token"));
  await context.clearCookies();
  await context.addCookies(kept);
}

/** A fresh browser opens the app's authorization and signs in with the password; the portal sends it on. */
async function authorizeAndSignIn(browser: Browser, baseURL: string, email: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const request = app.authorization(baseURL);
  await page.goto(request.url);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Foauth%2Finteraction%2F[\w-]+$/);
  await new SignInPage(page).submit(email);
  return { context, page, request };
}

test("a member signs an app in: the first-party page names the app and the member, and Continue sends the app a code and its state", async ({ browser, baseURL }) => {
  const { context, page, request } = await authorizeAndSignIn(browser, baseURL!, E2E_USERS.appSignInMember);
  const step = new AppSignInPage(page);
  await step.expectReady(APP, E2E_USERS.appSignInMember);
  await expectNoSeriousViolations(page, "the app sign-in page");
  const answer = await app.redirectAfter(() => step.continue());
  expect(answer.get("state")).toBe(request.state);
  expect(answer.get("error")).toBeNull();
  const tokens = await app.exchange(baseURL!, answer.get("code")!, request.verifier);
  expect(tokens.status).toBe(200);
  expect(tokenClaims(tokens.body.access_token!).amr).toEqual(["pwd"]);
  await context.close();
});

test("Continue is reached by keyboard alone, its buttons named and in order", async ({ browser, baseURL }) => {
  const { context, page, request } = await authorizeAndSignIn(browser, baseURL!, E2E_USERS.appSignInMember);
  await new AppSignInPage(page).expectReady(APP, E2E_USERS.appSignInMember);
  const focused: string[] = [];
  for (let i = 0; i < 12 && focused.length < 2; i++) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate(() => (document.activeElement?.tagName === "BUTTON" ? document.activeElement.textContent?.trim() : null));
    if (name) focused.push(name);
  }
  expect(focused).toEqual(["Continue", "Cancel"]);
  await page.keyboard.press("Shift+Tab");
  const answer = await app.redirectAfter(() => page.keyboard.press("Enter"));
  expect(answer.get("state")).toBe(request.state);
  expect(answer.get("code")).toBeTruthy();
  await context.close();
});

test("Cancel sends the app access_denied and no code", async ({ browser, baseURL }) => {
  const { context, page, request } = await authorizeAndSignIn(browser, baseURL!, E2E_USERS.appSignInMember);
  const answer = await app.redirectAfter(() => new AppSignInPage(page).cancel());
  expect(answer.get("error")).toBe("access_denied");
  expect(answer.get("state")).toBe(request.state);
  expect(answer.get("code")).toBeNull();
  await context.close();
});

test("an unknown or finished sign-in step says it expired, with no redirect", async ({ page, request }) => {
  const unknown = await request.get("/oauth/interaction/no-such-step", { maxRedirects: 0 });
  expect(unknown.status()).toBe(400);
  expect(unknown.headers().location).toBeUndefined();
  expect(await unknown.text()).toContain("This sign-in has expired. Go back to the app and start again.");
  await page.goto("/oauth/interaction/no-such-step");
  await expect(page.getByRole("heading", { level: 1, name: "Sign-in expired" })).toBeVisible();
  await expectNoSeriousViolations(page, "the expired step's page");
});

test("a form posted to the step from another site is refused, and the step still works", async ({ browser, baseURL }) => {
  const { context, page, request } = await authorizeAndSignIn(browser, baseURL!, E2E_USERS.appSignInMember);
  const step = new AppSignInPage(page);
  await step.expectReady(APP, E2E_USERS.appSignInMember);
  const path = `/oauth/interaction/${step.uid()}`;
  const before = app.receivedCount();
  for (const origin of ["https://evil.example", "null", new URL(app.redirectUri).origin]) {
    // The context's own request API: the browser's cookies, a forged Origin.
    const forged = await context.request.post(path, { form: { action: "continue" }, headers: { origin }, maxRedirects: 0 });
    expect(forged.status(), origin).toBe(403);
    expect(forged.headers().location, origin).toBeUndefined();
  }
  const noOrigin = await context.request.fetch(path, { method: "POST", form: { action: "continue" }, headers: { origin: "" }, maxRedirects: 0 });
  expect(noOrigin.status()).toBe(403);
  expect(app.receivedCount()).toBe(before);
  const answer = await app.redirectAfter(() => step.continue());
  expect(answer.get("state")).toBe(request.state);
  expect(answer.get("code")).toBeTruthy();
  await context.close();
});

test("a session the organization's new requirement no longer accepts signs in again, sets up SMS, and the app gets sms in its amr; next time a backup code through the method picker", async ({ browser, baseURL, vonageUrl }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new SignInPage(page).signIn(E2E_USERS.appSignInOwner);
  const settings = new AccountSettingsPage(page);
  await settings.goto();
  await settings.setRequirement(true);
  const request = app.authorization(baseURL!);
  await page.goto(request.url);
  const step = new AppSignInPage(page);
  await step.expectSignInAgain(APP);
  await expect(page.getByText("Your organization now requires two-step verification.")).toBeVisible();
  await expectNoSeriousViolations(page, "the sign-in-again page");
  await step.signInAgain();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Foauth%2Finteraction%2F[\w-]+$/);
  // The portal session ended: the portal's own pages ask for a sign-in too.
  await page.goto("/security");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goBack();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Foauth%2Finteraction%2F[\w-]+$/);
  await new SignInPage(page).submit(E2E_USERS.appSignInOwner);
  const setup = new SetupPage(page);
  await setup.sendCode(E2E_APP_SIGN_IN_PHONES.owner);
  await setup.verify(await codeFromFake(vonageUrl, E2E_APP_SIGN_IN_PHONES.owner));
  const backupCodes = await setup.backupCodes();
  await setup.finish();
  await expect(page.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();
  await page.getByRole("link", { name: "Continue to the app" }).click();
  await step.expectReady(APP, E2E_USERS.appSignInOwner);
  const answer = await app.redirectAfter(() => step.continue());
  expect(answer.get("state")).toBe(request.state);
  const tokens = await app.exchange(baseURL!, answer.get("code")!, request.verifier);
  expect(tokens.status).toBe(200);
  expect(tokenClaims(tokens.body.access_token!).amr).toEqual(expect.arrayContaining(["pwd", "sms"]));
  // Signed out of the portal, the next app sign-in goes through the method picker: a backup code.
  await signOutOfPortal(context);
  const again = app.authorization(baseURL!);
  await page.goto(again.url);
  await new SignInPage(page).submit(E2E_USERS.appSignInOwner);
  await new ChallengePage(page).useBackupCode(backupCodes[0]!, { trust: false });
  await step.expectReady(APP, E2E_USERS.appSignInOwner);
  const second = await app.redirectAfter(() => step.continue());
  expect(second.get("state")).toBe(again.state);
  const secondTokens = await app.exchange(baseURL!, second.get("code")!, again.verifier);
  expect(tokenClaims(secondTokens.body.access_token!).amr).toEqual(expect.arrayContaining(["pwd", "backup_code"]));
  await context.close();
});

test("a member whose organization requires 2FA verifies with SMS on the way to the app, and a trusted device skips the code next time", async ({ browser, baseURL, vonageUrl }) => {
  const { context, page, request } = await authorizeAndSignIn(browser, baseURL!, E2E_USERS.appSignInVerifier);
  const challenge = new ChallengePage(page);
  await challenge.expectShown();
  await challenge.verifySms(await codeFromFake(vonageUrl, E2E_APP_SIGN_IN_PHONES.verifier), { trust: true });
  const step = new AppSignInPage(page);
  await step.expectReady(APP, E2E_USERS.appSignInVerifier);
  const answer = await app.redirectAfter(() => step.continue());
  const tokens = await app.exchange(baseURL!, answer.get("code")!, request.verifier);
  expect(tokenClaims(tokens.body.access_token!).amr).toEqual(expect.arrayContaining(["pwd", "sms"]));
  // Signed out of the portal, this browser keeps its trusted-device cookie: the password is enough.
  await signOutOfPortal(context);
  const again = app.authorization(baseURL!);
  await page.goto(again.url);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await new SignInPage(page).submit(E2E_USERS.appSignInVerifier);
  await step.expectReady(APP, E2E_USERS.appSignInVerifier);
  const second = await app.redirectAfter(() => step.continue());
  expect(second.get("state")).toBe(again.state);
  const secondTokens = await app.exchange(baseURL!, second.get("code")!, again.verifier);
  expect(tokenClaims(secondTokens.body.access_token!).amr).toEqual(expect.arrayContaining(["pwd", "trusted_device"]));
  await context.close();
});
