import type { Page } from "@playwright/test";
import { E2E_PASSWORD } from "./env";
import { expect, test } from "./fixtures";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { openOutboxWith } from "./pages/outbox-page";
import { SignInPage } from "./pages/sign-in-page";
import { codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 5 as an admin and members live it, against next start with the fake Vonage.
test.describe.configure({ mode: "serial" });

const MEMBER_PHONE = "+14155553001";
const ADMIN_PHONE = "+14155553002";

async function enrollAtSignIn(page: Page, email: string, phone: string, vonageUrl: string) {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(email);
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  const setup = new SetupPage(page);
  await setup.sendCode(phone);
  await expect(setup.dialog()).toBeVisible();
  await setup.verify(await codeFromFake(vonageUrl, phone));
  expect(await setup.backupCodes()).toHaveLength(10);
  await setup.finish();
  await expect(page.getByRole("heading", { name: "Two-step authentication has been enabled!" })).toBeVisible();
}

test("an admin sees who is not enrolled, resets a member, and the member sets two-step authentication up again", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  test.setTimeout(120_000);
  const owner = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(owner).signIn(E2E_USERS.adminCoOwner);
  const ownerSettings = new AccountSettingsPage(owner);
  await ownerSettings.goto();
  await ownerSettings.setRequirement(true);

  const member = await (await browser.newContext({ baseURL })).newPage();
  await enrollAtSignIn(member, E2E_USERS.adminCoMember, MEMBER_PHONE, vonageUrl);

  // The admin just completed a second factor at sign-in: recent enough for admin actions.
  const admin = await (await browser.newContext({ baseURL })).newPage();
  await enrollAtSignIn(admin, E2E_USERS.adminCoAdmin, ADMIN_PHONE, vonageUrl);
  await admin.goto("/account-settings");
  await expect(admin.getByText("2 of 3 members have set up two-step authentication")).toBeVisible();
  await expect(admin.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "2");
  const ownerRow = admin.getByTestId("member-row").filter({ hasText: E2E_USERS.adminCoOwner });
  await expect(ownerRow).toContainText("Not set up");
  await expect(ownerRow.getByTestId("member-methods")).toHaveText("None");

  await admin.getByLabel("Search members by name or email").fill("adminco-mem");
  await admin.getByRole("button", { name: "Search" }).click();
  await expect(admin.getByTestId("member-row")).toHaveCount(1);
  const memberRow = admin.getByTestId("member-row").filter({ hasText: E2E_USERS.adminCoMember });
  await expect(memberRow).toContainText("Set up");
  await expect(memberRow).toContainText("••01");
  await expect(memberRow.getByTestId("member-methods").getByRole("listitem")).toHaveText(["SMS", "Backup codes (10 left)"]);

  admin.once("dialog", (dialog) => dialog.accept());
  await memberRow.getByRole("button", { name: `Reset 2FA for ${E2E_USERS.adminCoMember}` }).click();
  await expect(memberRow.getByRole("status")).toContainText("was reset");
  await admin.reload();
  await expect(admin.getByTestId("member-row").filter({ hasText: E2E_USERS.adminCoMember })).toContainText("Not set up");
  await expect(admin.getByTestId("member-row").filter({ hasText: E2E_USERS.adminCoMember }).getByTestId("member-methods")).toHaveText("None");

  // The owner has not set two-step authentication up: there is nothing to reset (an admin acting
  // on the owner is refused on the server: tests/integration/member-admin.test.ts).
  await admin.goto("/account-settings");
  const ownerRowAgain = admin.getByTestId("member-row").filter({ hasText: E2E_USERS.adminCoOwner });
  await expect(ownerRowAgain).toContainText("Not set up");
  await expect(ownerRowAgain.getByRole("button")).toHaveCount(0);

  // The member's session ended; their next sign-in sets 2FA up again.
  await member.goto("/");
  await expect(member).toHaveURL(/\/sign-in/);
  await enrollAtSignIn(member, E2E_USERS.adminCoMember, MEMBER_PHONE, vonageUrl);

  // The activity log shows it, filtered by member and type.
  await admin.goto(`/account-settings/activity?member=${encodeURIComponent(E2E_USERS.adminCoMember)}&type=two_factor.reset_by_admin`);
  const rows = admin.getByTestId("activity-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(E2E_USERS.adminCoAdmin);

  // The member was told by email.
  await openOutboxWith(admin, "An admin reset your two-step authentication");
});

test("a member changes their phone number: password and a code to the current phone first, then the new number is verified", async ({
  page,
  vonageUrl,
}) => {
  const oldPhone = "+14155553003";
  const newPhone = "+14155553004";
  await new SignInPage(page).signIn(E2E_USERS.phoneChanger);
  await page.goto("/security");
  const setup = new SetupPage(page);
  await setup.sendCode(oldPhone);
  await expect(setup.dialog()).toBeVisible();
  const setupCode = await codeFromFake(vonageUrl, oldPhone);
  await setup.verify(setupCode);
  await setup.backupCodes();
  await setup.finish();
  await expect(page.getByTestId("two-factor-phone")).toHaveText("••• ••• ••03");

  await page.getByRole("link", { name: "Change phone number" }).click();
  await expect(page).toHaveURL(/\/confirm\?next=%2Fsecurity%2Fphone/);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "We texted a code to" })).toBeVisible();
  const confirmCode = await codeFromFake(vonageUrl, oldPhone, setupCode);
  await page.getByLabel("Password").fill("not my password");
  await page.getByLabel("Verification code").fill(confirmCode);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.locator("#password-error")).toBeVisible();
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByLabel("Verification code").fill(confirmCode);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("heading", { name: "Change phone number" })).toBeVisible();

  await setup.sendCode(newPhone);
  await expect(setup.dialog()).toBeVisible();
  await setup.verify(await codeFromFake(vonageUrl, newPhone));
  expect(await setup.backupCodes()).toHaveLength(10);
  await setup.finish();
  await expect(page.getByRole("status").filter({ hasText: "Your phone number for two-step authentication was changed" })).toBeVisible();
  await expect(page.getByTestId("two-factor-phone")).toHaveText("••• ••• ••04");

  await openOutboxWith(page, "Your two-step phone number changed");
});
