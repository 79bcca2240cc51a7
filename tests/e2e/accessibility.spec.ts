import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ChallengePage, codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { SignInPage } from "./pages/sign-in-page";
import { E2E_USERS } from "./seed";

// Every page of the portal, at a desktop and a phone width: axe-core's WCAG 2.1 A/AA rules, and any
// serious or critical violation fails the test with the rule and the elements it found.
const VIEWPORTS = [
  { width: 1280, height: 800, owner: E2E_USERS.a11yWideOwner, ownerName: "Wanda Wide", phone: "+14155554501" },
  { width: 390, height: 844, owner: E2E_USERS.a11yNarrowOwner, ownerName: "Nora Narrow", phone: "+14155554502" },
] as const;

async function expectNoSeriousViolations(page: Page, what: string) {
  // A server action's answer re-renders the page and Next.js streams its <title> back a moment
  // later: axe runs once the page has settled (a page that never gets one still fails here).
  await expect(page, `${what}: the document's title`).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join("\n    ")}`);
  expect.soft(serious, `${what} at ${page.viewportSize()?.width} px`).toEqual([]);
}

/** Buttons whose accessible name does not start with their visible text (WCAG 2.5.3 Label in Name). */
async function buttonsNamedApartFromTheirText(page: Page): Promise<string[]> {
  return page.locator("main button[aria-label]").evaluateAll((buttons) =>
    buttons
      .map((b) => ({ text: (b.textContent ?? "").trim(), name: b.getAttribute("aria-label") ?? "" }))
      .filter(({ text, name }) => text && !name.startsWith(text))
      .map(({ text, name }) => `"${name}" shows "${text}"`),
  );
}

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height }, timezoneId: "America/New_York" });

    test(`every page of the portal has no serious or critical axe-core violation at ${viewport.width} px`, async ({ page, browser, baseURL, vonageUrl }) => {
      test.setTimeout(180_000);
      await page.goto("/sign-in");
      await expectNoSeriousViolations(page, "sign-in");
      await page.goto("/password-reset");
      await expectNoSeriousViolations(page, "password reset request");
      await page.goto(`/password-reset/${"A".repeat(43)}`);
      await expectNoSeriousViolations(page, "password reset form");

      // Two-factor setup at sign-in, with the "Verify Your Phone" popup open.
      const signIn = new SignInPage(page);
      await signIn.goto();
      await signIn.submit(viewport.owner);
      await expect(page).toHaveURL(/\/two-factor\/setup$/);
      await expectNoSeriousViolations(page, "two-factor setup");
      const setup = new SetupPage(page);
      await setup.sendCode(viewport.phone);
      await expect(setup.dialog()).toBeVisible();
      await expectNoSeriousViolations(page, "two-factor setup with the popup open");
      await setup.verify(await codeFromFake(vonageUrl, viewport.phone));
      await setup.backupCodes();
      await expectNoSeriousViolations(page, "backup codes");
      await setup.finish();
      await expect(page.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();
      await expectNoSeriousViolations(page, "two-step enabled");

      // The challenge at the next sign-in, with the other-method menu open.
      await page.goto("/");
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect(page).toHaveURL(/\/sign-in/);
      const firstCode = await codeFromFake(vonageUrl, viewport.phone);
      await signIn.submit(viewport.owner);
      const challenge = new ChallengePage(page);
      await challenge.expectShown();
      await page.getByRole("button", { name: "Choose another verification method" }).click();
      await expect(page.getByRole("button", { name: "Use the backup code" })).toBeVisible();
      await expectNoSeriousViolations(page, "challenge with the other-method menu open");
      await page.getByRole("button", { name: "Choose another verification method" }).click();
      await challenge.verifySms(await codeFromFake(vonageUrl, viewport.phone, firstCode), { trust: true });
      await expect(page.getByTestId("signed-in-email")).toHaveText(viewport.owner);

      for (const [path, what] of [
        ["/", "home"],
        ["/security", "security"],
        ["/security/phone", "security/phone"],
        ["/confirm?next=%2Faccount-settings", "confirm"],
        ["/account-settings", "account settings"],
        ["/account-settings/activity", "activity log"],
        ["/dev/outbox", "dev outbox"],
      ] as const) {
        await page.goto(path);
        await expect(page.locator("main h1, main h2").first()).toBeVisible();
        await expectNoSeriousViolations(page, what);
      }

      const missing = await page.goto("/a11y-no-such-page");
      expect(missing?.status()).toBe(404);
      await expectNoSeriousViolations(page, "404");

      // 403: a member at Account Settings.
      const memberContext = await browser.newContext({ baseURL, viewport: { width: viewport.width, height: viewport.height } });
      const member = await memberContext.newPage();
      await new SignInPage(member).signIn(E2E_USERS.a11yMember);
      expect((await member.goto("/account-settings"))?.status()).toBe(403);
      await expectNoSeriousViolations(member, "403");
      await memberContext.close();
    });
  });
}

test.describe("focus and a phone-sized screen", () => {
  // One member's story: set up, then signed in again (each test is a new browser).
  test.describe.configure({ mode: "serial" });
  test.use({ viewport: { width: 390, height: 844 }, timezoneId: "America/New_York" });
  const owner = E2E_USERS.a11yFocusOwner;
  const ownerName = "Fern Focus";
  const member = owner.replace("@", "-member@");
  const phone = "+14155554503";

  async function signInWithCode(page: Page, vonageUrl: string, { trust }: { trust: boolean }) {
    const previous = await codeFromFake(vonageUrl, phone);
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.submit(owner);
    const challenge = new ChallengePage(page);
    await challenge.expectShown();
    await challenge.verifySms(await codeFromFake(vonageUrl, phone, previous), { trust });
    await expect(page.getByTestId("signed-in-email")).toHaveText(owner);
  }

  test("setting up at 390 px: closing the popup returns focus to what opened it, a correct code moves focus to the backup codes' heading, no code breaks across lines, and the acknowledgement's error marks its checkbox", async ({ page, vonageUrl }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.submit(owner);
    await expect(page).toHaveURL(/\/two-factor\/setup$/);
    const setup = new SetupPage(page);
    await setup.sendCode(phone);
    await expect(setup.dialog()).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(setup.dialog()).toBeHidden();
    await expect(page.getByRole("button", { name: "Send code", exact: true })).toBeFocused();

    const reopen = page.getByRole("button", { name: "Enter the verification code" });
    await reopen.click();
    await expect(setup.dialog()).toBeVisible();
    await setup.dialog().getByRole("button", { name: "Cancel" }).click();
    await expect(setup.dialog()).toBeHidden();
    await expect(reopen).toBeFocused();

    await reopen.click();
    await setup.verify(await codeFromFake(vonageUrl, phone));
    await expect(page.getByRole("heading", { name: "Your backup codes" })).toBeFocused();
    const codes = page.getByTestId("backup-code");
    await expect(codes).toHaveCount(10);
    const broken = await codes.evaluateAll((items) =>
      items.filter((li) => li.getBoundingClientRect().height >= 2 * parseFloat(getComputedStyle(li).lineHeight) || li.scrollWidth > li.clientWidth).map((li) => li.textContent),
    );
    expect(broken).toEqual([]);

    await page.getByRole("button", { name: "Continue" }).click();
    const checkbox = page.getByLabel("I have stored my backup codes in a safe place");
    await expect(checkbox).toHaveAttribute("aria-invalid", "true");
    const error = (await page.getByRole("alert").filter({ hasText: /./ }).first().textContent())!.trim();
    expect(error).not.toBe("");
    await expect(checkbox).toHaveAccessibleDescription(error);
    await setup.finish();
    await expect(page.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();
  });

  test("at 390 px the members table scrolls in a region the keyboard reaches, Reset 2FA and Revoke devices appear only where there is something to reset or revoke, and each button's name starts with its visible text", async ({ page, vonageUrl }) => {
    await signInWithCode(page, vonageUrl, { trust: true });

    await page.goto("/account-settings");
    const region = page.getByRole("region", { name: "Members and their two-step authentication" });
    await region.focus();
    await expect(region).toBeFocused();
    const ownerRow = page.getByTestId("member-row").filter({ hasText: owner });
    const memberRow = page.getByTestId("member-row").filter({ hasText: member });
    await expect(ownerRow.getByRole("button", { name: `Reset 2FA for ${owner}` })).toBeVisible();
    await expect(ownerRow.getByRole("button", { name: `Revoke devices of ${owner}` })).toBeVisible();
    await expect(memberRow.getByRole("button")).toHaveCount(0);
    expect(await buttonsNamedApartFromTheirText(page)).toEqual([]);
  });

  test("the activity log reads as sentences, with the time in the viewer's zone and without this computer's address", async ({ page, vonageUrl }) => {
    await signInWithCode(page, vonageUrl, { trust: false });

    await page.goto("/account-settings/activity");
    const log = page.getByRole("list", { name: "Activity, newest first" });
    await expect(log).toContainText(`${ownerName} (${owner}) set up two-step authentication`);
    await expect(log).toContainText(`${ownerName} (${owner}) trusted a device from Chrome on Linux`);
    await expect(log).toContainText(`${ownerName} (${owner}) signed in with two-step authentication from Chrome on Linux`);
    await expect(page.getByTestId("activity-row").first().locator("time")).toHaveText(/ E[SD]T$/);
    const text = await log.innerText();
    expect(text).not.toMatch(/::1|127\.0\.0\.1|\{|two_factor\.|sign_in\.|UTC/);
    const eventNames = await page.getByLabel("Event").locator("option").allTextContents();
    expect(eventNames.filter((name) => /[._]/.test(name))).toEqual([]);
  });
});
