import type { Page } from "@playwright/test";
import { E2E_PASSWORD } from "./env";
import { expect, test } from "./fixtures";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 13, point 4: lowering the organization's protection needs a fresh second factor.
const ADMIN_PHONE = "+14155553201";

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** The outbox row of the email to `to` whose text holds `text`, waiting for it (mail goes out after the answer). */
async function expectEmail(page: Page, to: string, text: string) {
  await expect(async () => {
    await page.goto("/dev/outbox");
    await expect(page.getByRole("row").filter({ hasText: to }).filter({ hasText: text })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

test("an admin signed in through a trusted device (no second factor in this session) cannot lift the requirement without confirming, and after \"Confirm it's you\" can; the owner is emailed", async ({
  page,
  vonageUrl,
}) => {
  test.setTimeout(120_000);
  const signIn = new SignInPage(page);
  const settings = new AccountSettingsPage(page);
  await signIn.signIn(E2E_USERS.liftAdmin);
  const { code: setupCode } = await new SetupPage(page).enrollOnSecurityPage(vonageUrl, ADMIN_PHONE);
  await expect(page.getByRole("status").filter({ hasText: "Two-step authentication has been enabled!" })).toBeVisible();
  // Raising the protection needs no confirmation.
  await settings.goto();
  await settings.setRequirement(true);

  // This browser becomes a trusted device: password, the texted code, "Trust this device".
  await signOut(page);
  await signIn.goto();
  await signIn.submit(E2E_USERS.liftAdmin);
  const challenge = new ChallengePage(page);
  await challenge.expectShown();
  const signInCode = await codeFromFake(vonageUrl, ADMIN_PHONE, setupCode);
  await challenge.verifySms(signInCode, { trust: true });
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.liftAdmin);
  await signOut(page);

  // Signed in again through the trusted device: the password only, no second factor in this session.
  await signIn.signIn(E2E_USERS.liftAdmin);
  await settings.goto();
  await settings.requirement().setChecked(false);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/confirm\?next=%2Faccount-settings%3Fresume%3Drequirement%26required%3Doff$/);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await settings.goto();
  await expect(settings.requirement(), "the requirement after the refused lifting").toBeChecked();

  // "Confirm it's you": the password and a code texted now; then the same change is shown, ready to Save.
  await page.goto(`/confirm?next=${encodeURIComponent("/account-settings?resume=requirement&required=off")}`);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "We texted a code to" })).toBeVisible();
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByLabel("Verification code").fill(await codeFromFake(vonageUrl, ADMIN_PHONE, signInCode));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/account-settings\?resume=requirement&required=off$/);
  await expect(settings.requirement()).not.toBeChecked();
  await expect(page.getByRole("button", { name: "Save" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Two-factor authentication is no longer required for all members." })).toBeVisible();
  await page.reload();
  await expect(settings.requirement()).not.toBeChecked();

  // Each change is in the activity log, and the owner was told who changed it, from what to what.
  await page.goto("/account-settings/activity?type=organization.require_two_factor_changed");
  await expect(page.getByTestId("activity-row")).toHaveCount(2);
  await expectEmail(page, E2E_USERS.liftOwner, `${E2E_USERS.liftAdmin} changed "Require two-factor authentication for all members" from not required to required at each member's next sign-in.`);
  await expectEmail(page, E2E_USERS.liftOwner, `${E2E_USERS.liftAdmin} changed "Require two-factor authentication for all members" from required at each member's next sign-in to not required.`);
});
