import AxeBuilder from "@axe-core/playwright";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP, generateTOTP } from "@oslojs/otp";
import { expect, type Browser, type Page } from "@playwright/test";
import { E2E_PASSWORD } from "./env";
import { test } from "./fixtures";
import { latestCodeFor } from "../fakes/vonage-client";
import { ChallengePage, contextAtChallenge, contextAtChallengeUntexted } from "./pages/two-factor-pages";
import { E2E_AUTHENTICATOR_PHONE, E2E_USERS } from "./seed";

// Issue 18: a member with SMS set up adds an authenticator app on the Security page, signs in with
// its code on a new browser, cannot use that code twice, and removes the app. The codes are
// computed from the key the page shows, with the library a real app's algorithm is (RFC 6238).
const EMAIL = E2E_USERS.authenticatorMember;
const PHONE = E2E_AUTHENTICATOR_PHONE;
const PERIOD_SECONDS = 30;

const stepAt = (ms: number) => Math.floor(ms / 1000 / PERIOD_SECONDS);

/** A new browser at the challenge, its texted code different from the one before. */
let lastSmsCode: string | undefined;
async function atChallenge(browser: Browser, baseURL: string, vonageUrl: string) {
  const at = await contextAtChallenge(browser, { baseURL, vonageUrl, email: EMAIL, phone: PHONE, previousCode: lastSmsCode });
  lastSmsCode = at.code;
  return at;
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it is: no serious or critical violation. */
async function expectAccessible(page: Page, what: string) {
  await expect(page, `${what}: the document's title`).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect.soft(serious, what).toEqual([]);
}

/** The newest email to the member with this subject (mail goes out just after the answer: reload until it is there). */
async function expectEmail(page: Page, subject: string) {
  await expect(async () => {
    await page.goto("/dev/outbox");
    const row = page.getByRole("row").filter({ has: page.getByTestId("outbox-recipient").getByText(EMAIL, { exact: true }) }).filter({ hasText: subject });
    await expect(row.first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

test("a member sets up an authenticator app, signs in with its code on a new browser, cannot reuse the code, and removes the app", async ({ browser, baseURL, vonageUrl }) => {
  test.setTimeout(150_000);
  const member = await atChallenge(browser, baseURL!, vonageUrl);
  const page = member.page;
  expect(await new ChallengePage(page).otherMethods()).toEqual(["Use the backup code"]);
  await new ChallengePage(page).verifySms(member.code, { trust: false });
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  // Without an app, "Confirm it's you" keeps the article's one link to the backup code.
  await page.goto("/confirm?next=%2Fsecurity");
  await expect(page.getByRole("button", { name: "Use the backup code" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Use your authenticator app" })).toHaveCount(0);

  let secret: Uint8Array;
  let setupStep: number;
  await test.step("set up the app on the Security page: QR code, key, a wrong code refused, the right one saved", async () => {
    await page.goto("/security");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    await expect(page.getByRole("img", { name: "QR code to add this account to your authenticator app" })).toBeVisible();
    const shown = (await page.getByTestId("authenticator-secret").textContent()) ?? "";
    expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    secret = decodeBase32IgnorePadding(shown.replace(/ /g, ""));
    await expect(page.getByRole("button", { name: "Copy key" })).toBeVisible();
    await expectAccessible(page, "Security page, the app's setup open");

    const right = generateTOTP(secret, PERIOD_SECONDS, 6);
    setupStep = stepAt(Date.now());
    await page.getByLabel("Authentication code").fill(String((Number(right) + 500_000) % 1_000_000).padStart(6, "0"));
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(page.locator("#code-error")).toContainText("That code is not right.");
    await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
    await expectAccessible(page, "Security page, a wrong code");

    const code = generateTOTP(secret, PERIOD_SECONDS, 6);
    setupStep = stepAt(Date.now());
    await page.getByLabel("Authentication code").fill(code);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your authenticator app was added." })).toBeVisible();
    await expect(page.getByTestId("authenticator-added")).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    await expect(page.getByTestId("authenticator-last-used")).toBeVisible();
  });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // The code the app shows in the next 30-second step: the setup's step is used, a later one is not.
  const nextStep = Math.max(setupStep! + 1, stepAt(Date.now()));
  const nextCode = generateHOTP(secret!, BigInt(nextStep), 6);
  // With an app, the challenge opens with it (its strongest method): nothing is texted.
  const other = await contextAtChallengeUntexted(browser, { baseURL: baseURL!, email: EMAIL });
  await test.step("sign in on a new browser with the app's code: the challenge opens with the app, and no text was sent", async () => {
    expect(await latestCodeFor(vonageUrl, PHONE)).toBe(lastSmsCode);
    const challenge = new ChallengePage(other.page);
    expect(await challenge.otherMethods()).toEqual(["Use the code received via SMS", "Use the backup code"]);
    const field = other.page.getByLabel("Authentication code");
    await expect(field).toHaveAttribute("autocomplete", "one-time-code");
    await expect(field).toHaveAttribute("inputmode", "numeric");
    await expectAccessible(other.page, "challenge, the authenticator app's form");
    await field.fill(nextCode);
    await other.page.getByLabel("Trust this device").setChecked(false);
    await other.page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(other.page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  });

  await test.step("the same code on a third browser is refused, and nobody is signed in", async () => {
    const third = await contextAtChallengeUntexted(browser, { baseURL: baseURL!, email: EMAIL });
    const challenge = new ChallengePage(third.page);
    await challenge.verifyAuthenticatorCode(nextCode, { trust: false });
    await expect(challenge.fieldError("code")).toHaveText("That code was already used. Wait for your authenticator app to show a new code, then enter it.");
    await challenge.expectShown();
    expect((await third.context.cookies()).map((c) => c.name).filter((n) => n.includes("session-token"))).toEqual([]);
    await third.context.close();
  });

  await test.step("Confirm it's you takes the app's code, once", async () => {
    const { page: signedIn } = other;
    const confirmWithApp = async (code: string) => {
      await signedIn.goto("/confirm?next=%2Fsecurity");
      // It opens with the app, as the challenge does; SMS and the backup code are the other links.
      await expect(signedIn.getByRole("button", { name: "Use the backup code" })).toBeVisible();
      await expect(signedIn.getByRole("button", { name: "Use your authenticator app" })).toHaveCount(0);
      await expect(signedIn.getByRole("button", { name: "Send code" })).toHaveCount(0);
      await expect(signedIn.getByRole("button", { name: "Use the code received via SMS" })).toBeVisible();
      await signedIn.getByLabel("Password").fill(E2E_PASSWORD);
      const field = signedIn.getByLabel("Authentication code");
      await expect(field).toHaveAttribute("autocomplete", "one-time-code");
      await field.fill(code);
      await signedIn.getByRole("button", { name: "Confirm", exact: true }).click();
    };
    // A step after the sign-in's: its code is accepted from one step before it (drift), so wait for that step.
    await expect.poll(() => stepAt(Date.now()), { timeout: 35_000 }).toBeGreaterThanOrEqual(nextStep);
    const confirmCode = generateHOTP(secret!, BigInt(nextStep + 1), 6);
    await confirmWithApp(confirmCode);
    await expect(signedIn).toHaveURL(/\/security$/);
    await confirmWithApp(confirmCode);
    await expect(signedIn.locator("#code-error")).toHaveText("That code was already used. Wait for your authenticator app to show a new code, then enter it.");
    await expectAccessible(signedIn, "Confirm it's you, the authenticator app's form");
  });

  await test.step("remove the app (asked once more, the question's button focused): the option disappears", async () => {
    // The browser signed in with the app's code: a recent second factor, as the removal needs.
    const { page: signedIn } = other;
    await signedIn.goto("/security");
    await expect(signedIn.getByTestId("authenticator-last-used")).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    await signedIn.getByRole("button", { name: "Remove authenticator app" }).click();
    await expect(signedIn.getByRole("form", { name: /Remove your authenticator app\?/ })).toBeVisible();
    await expect(signedIn.getByRole("button", { name: "Remove authenticator app" })).toBeFocused();
    await expectAccessible(signedIn, "Security page, the removal's question open");
    await signedIn.keyboard.press("Enter");
    await expect(signedIn.getByRole("status").filter({ hasText: "Your authenticator app was removed" })).toBeVisible();
    await expect(signedIn.getByRole("button", { name: "Set up authenticator app" })).toBeVisible();
    await other.context.close();

    const after = await atChallenge(browser, baseURL!, vonageUrl);
    expect(await new ChallengePage(after.page).otherMethods()).toEqual(["Use the backup code"]);
    await expectEmail(after.page, "An authenticator app was added");
    await expectEmail(after.page, "Your authenticator app was removed");
    await after.context.close();
  });
  await member.context.close();
});
