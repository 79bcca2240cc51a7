import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP, generateTOTP } from "@oslojs/otp";
import { expect, type Browser } from "@playwright/test";
import { test } from "./fixtures";
import { latestCodeFor } from "../fakes/vonage-client";
import { PasskeysSection, VirtualAuthenticator, type VirtualCredential } from "./pages/passkeys-page";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, codeFromFake, contextAtChallengeUntexted, SetupPage } from "./pages/two-factor-pages";
import { E2E_JOURNEY_PHONE, E2E_USERS } from "./seed";

// Issue 18's "done", tried as a new user would: a member of an organization that requires two-step
// authentication sets it up at sign-in (the article's phone and backup codes), adds an
// authenticator app and a passkey on the Security page, then signs in on three new browsers: with
// the passkey (the challenge opens with it), with the app (chosen from the picker), and with a
// backup code when neither is at hand. Nothing is texted after the setup: every sign-in opens with
// the passkey.
const EMAIL = E2E_USERS.journeyMember;
const PHONE = E2E_JOURNEY_PHONE;
const PERIOD_SECONDS = 30;
const stepAt = (ms: number) => Math.floor(ms / 1000 / PERIOD_SECONDS);

async function signOut(page: import("@playwright/test").Page) {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** A new browser at the challenge, which opens with the passkey: the picker lists the rest in order. */
async function atChallenge(browser: Browser, baseURL: string) {
  const at = await contextAtChallengeUntexted(browser, { baseURL, email: EMAIL });
  const challenge = new ChallengePage(at.page);
  await expect(at.page.getByRole("button", { name: "Use passkey" })).toBeVisible();
  expect(await challenge.otherMethods()).toEqual(["Use your authenticator app", "Use the code received via SMS", "Use the backup code"]);
  return { ...at, challenge };
}

test("a new member sets up SMS at sign-in, adds an authenticator app and a passkey, and signs in with each and with a backup code on new browsers", async ({ browser, baseURL, vonageUrl }) => {
  test.setTimeout(180_000);
  const first = await browser.newContext({ baseURL });
  const page = await first.newPage();
  let backupCodes: string[] = [];
  let setupCode = "";
  await test.step("sign in: the organization requires two-step authentication, so the article's setup comes first", async () => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.submit(EMAIL);
    const setup = new SetupPage(page);
    await setup.sendCode(PHONE);
    setupCode = await codeFromFake(vonageUrl, PHONE);
    await setup.verify(setupCode);
    backupCodes = await setup.backupCodes();
    expect(backupCodes).toHaveLength(10);
    await setup.finish();
    await expect(page.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();
    await page.getByRole("link", { name: "Continue to the portal" }).click();
    await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  });

  let secret: Uint8Array = new Uint8Array();
  let setupStep = 0;
  await test.step("add an authenticator app on the Security page (signed in a moment ago: no Confirm it's you)", async () => {
    await page.goto("/security");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    const shown = (await page.getByTestId("authenticator-secret").textContent()) ?? "";
    secret = decodeBase32IgnorePadding(shown.replace(/ /g, ""));
    setupStep = stepAt(Date.now());
    await page.getByLabel("Authentication code").fill(generateTOTP(secret, PERIOD_SECONDS, 6));
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your authenticator app was added." })).toBeVisible();
  });

  let credential: VirtualCredential | undefined;
  await test.step("add a passkey with a name", async () => {
    const authenticator = await VirtualAuthenticator.attach(page);
    const section = new PasskeysSection(page);
    await section.goto();
    await section.add("My phone");
    await expect(page.getByRole("status").filter({ hasText: "Your passkey was added." })).toBeVisible();
    await section.expectNames(["My phone"]);
    [credential] = await authenticator.credentials();
    expect(credential, "the passkey is on the virtual authenticator").toBeDefined();
  });
  await signOut(page);
  await first.close();

  await test.step("a new browser holding the passkey: the challenge opens with it, nothing is texted", async () => {
    const { context, page: other } = await atChallenge(browser, baseURL!);
    await (await VirtualAuthenticator.attach(other)).addCredential(credential!);
    await other.getByLabel("Trust this device").setChecked(false);
    await other.getByRole("button", { name: "Use passkey" }).click();
    await expect(other.getByTestId("signed-in-email")).toHaveText(EMAIL);
    await context.close();
  });

  await test.step("a new browser without the passkey: “Use your authenticator app” and the app's next code", async () => {
    const { context, page: other, challenge } = await atChallenge(browser, baseURL!);
    // The setup's time step is spent; the app's next one is accepted (one step of drift either way).
    const step = Math.max(setupStep + 1, stepAt(Date.now()));
    await challenge.useAuthenticatorApp(generateHOTP(secret, BigInt(step), 6), { trust: false });
    await expect(other.getByTestId("signed-in-email")).toHaveText(EMAIL);
    await context.close();
  });

  await test.step("a new browser with neither at hand: a backup code, once", async () => {
    const { context, page: other } = await atChallenge(browser, baseURL!);
    await other.getByRole("button", { name: "Use the backup code" }).click();
    await other.getByLabel("Backup code").fill(backupCodes[0]!);
    await other.getByLabel("Trust this device").setChecked(false);
    await other.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(other.getByTestId("signed-in-email")).toHaveText(EMAIL);
    await other.goto("/security");
    await expect(other.getByTestId("backup-codes-left")).toHaveText("9");
    await context.close();
  });
  expect(await latestCodeFor(vonageUrl, PHONE), "no text after the setup's: every sign-in opened with the passkey").toBe(setupCode);
});
