import type { Page } from "@playwright/test";
import { E2E_PASSWORD } from "./env";
import { expect, test } from "./fixtures";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { SignInPage } from "./pages/sign-in-page";
import { codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 14 items 4, 5 and 6: "Confirm it's you" resumes the action asked for; the owner without a
// second factor is told so; the number just typed is shown in full, and a typo can be corrected.

const CODES_PHONE = "+14155551401";
const PHONE_OLD = "+14155551402";
const PHONE_NEW = "+14155551403";
const ADMIN_PHONE = "+14155551404";
const MEMBER_PHONE = "+14155551405";
const PAGING_ADMIN_PHONE = "+14155551406";

/** On "Confirm it's you": a code texted to `phone` now (not `previous`), the password, Confirm. */
async function confirmItsYou(page: Page, vonageUrl: string, phone: string, previous: string) {
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "We texted a code to" })).toBeVisible();
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByLabel("Verification code").fill(await codeFromFake(vonageUrl, phone, previous));
  await page.getByRole("button", { name: "Confirm" }).click();
}

/** Answers the next window.confirm() with OK. */
function acceptNextQuestion(page: Page) {
  page.once("dialog", (dialog) => void dialog.accept());
}

test("after \"Confirm it's you\", asking for new backup codes shows that step open and focused, and one click creates them", async ({ page, vonageUrl }) => {
  await new SignInPage(page).signIn(E2E_USERS.resumeCodes);
  // Set up in this password-only session: no second factor completed in it.
  const { code, backupCodes } = await new SetupPage(page).enrollOnSecurityPage(vonageUrl, CODES_PHONE);
  acceptNextQuestion(page);
  await page.getByRole("button", { name: "Create new backup codes" }).click();
  await expect(page).toHaveURL(/\/confirm\?next=%2Fsecurity%3Fresume%3Dnew-backup-codes$/);
  await confirmItsYou(page, vonageUrl, CODES_PHONE, code);

  await expect(page).toHaveURL(/\/security\?resume=new-backup-codes$/);
  await expect(page.getByText("Create new backup codes? Your current backup codes will stop working.")).toBeVisible();
  const create = page.getByRole("button", { name: "Create new backup codes" });
  await expect(create).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "New backup codes created." })).toBeVisible();
  const fresh = await page.getByTestId("backup-code").allTextContents();
  expect(fresh).toHaveLength(10);
  expect(fresh.filter((c) => backupCodes.includes(c))).toEqual([]);
});

test("the number just typed is shown in full in the dialog, \"Wrong number?\" goes back to it, and \"Did you mean …?\" fills in the number without separators", async ({
  page,
  vonageUrl,
}) => {
  await new SignInPage(page).signIn(E2E_USERS.resumePhone);
  await page.goto("/security");
  const setup = new SetupPage(page);
  const phoneField = page.getByLabel("Phone number", { exact: true });

  // The article's rule stays; its message offers the number as it would be accepted.
  await setup.sendCode("+1 (415) 555-1402");
  await expect(setup.phoneError()).toContainText("Remove the spaces");
  const suggestion = setup.phoneError().getByRole("button", { name: `Did you mean ${PHONE_OLD}?` });
  await suggestion.click();
  await expect(phoneField).toHaveValue(PHONE_OLD);
  await expect(phoneField).toBeFocused();

  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(setup.dialog()).toBeVisible();
  await expect(setup.dialog()).toContainText("We texted a one-time code to +1 415 555 1402.");
  await setup.dialog().getByRole("button", { name: "Wrong number?" }).click();
  await expect(setup.dialog()).toBeHidden();
  await expect(phoneField).toBeFocused();
  await expect(phoneField).toHaveValue(PHONE_OLD);

  // The number was right after all: back to the dialog, and set up.
  await page.getByRole("button", { name: "Enter the verification code" }).click();
  const setupCode = await codeFromFake(vonageUrl, PHONE_OLD);
  await setup.verify(setupCode);
  await setup.backupCodes();
  await setup.finish();
  // Later screens mask it.
  await expect(page.getByTestId("two-factor-phone")).toHaveText("••• ••• ••02");

  // Changing the phone: "Confirm it's you", then the change's first step with the Phone number field focused.
  await page.getByRole("link", { name: "Change phone number" }).click();
  await expect(page).toHaveURL(/\/confirm\?next=%2Fsecurity%2Fphone$/);
  await confirmItsYou(page, vonageUrl, PHONE_OLD, setupCode);
  await expect(page.getByRole("heading", { name: "Change phone number" })).toBeVisible();
  await expect(phoneField).toBeFocused();
  await page.keyboard.type(PHONE_NEW);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(setup.dialog()).toContainText("+1 415 555 1403");
  await setup.verify(await codeFromFake(vonageUrl, PHONE_NEW));
  expect(await setup.backupCodes()).toHaveLength(10);
  await setup.finish();
  await expect(page.getByTestId("two-factor-phone")).toHaveText("••• ••• ••03");
});

test("an owner with no second factor is told at once on \"Confirm it's you\", with a link to set one up, and no \"Send code\"", async ({ page }) => {
  await new SignInPage(page).signIn(E2E_USERS.resetOwner);
  // Where an admin action would send them (its buttons show only where there is something to reset).
  await page.goto(`/confirm?next=${encodeURIComponent("/account-settings")}`);
  await expect(page.getByText("You have not set up two-step authentication yet")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send code" })).toHaveCount(0);
  await page.getByRole("link", { name: "Set up two-step authentication" }).click();
  await expect(page).toHaveURL(/\/security$/);
  await expect(page.getByLabel("Phone number", { exact: true })).toBeVisible();
});

test("after \"Confirm it's you\", an admin's reset of a member shows that member's \"Reset 2FA\" step open and focused, and one click resets", async ({
  browser,
  baseURL,
  page,
  vonageUrl,
}) => {
  // The member has set up two-step authentication, so there is something to reset.
  const member = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(member).signIn(E2E_USERS.resetMember);
  await new SetupPage(member).enrollOnSecurityPage(vonageUrl, MEMBER_PHONE);
  await member.context().close();
  await new SignInPage(page).signIn(E2E_USERS.resetAdmin);
  const { code } = await new SetupPage(page).enrollOnSecurityPage(vonageUrl, ADMIN_PHONE);
  await new AccountSettingsPage(page).goto();
  acceptNextQuestion(page);
  await page.getByRole("button", { name: `Reset 2FA for ${E2E_USERS.resetMember}` }).click();
  await expect(page).toHaveURL(/\/confirm\?next=%2Faccount-settings%3Fresume%3Dreset%26member%3D/);
  await confirmItsYou(page, vonageUrl, ADMIN_PHONE, code);

  await expect(page).toHaveURL(/\/account-settings\?resume=reset&member=/);
  const row = page.getByTestId("member-row").filter({ hasText: E2E_USERS.resetMember });
  await expect(row).toContainText(`Reset two-step authentication for ${E2E_USERS.resetMember}? Their sessions and trusted devices end.`);
  const reset = row.getByRole("button", { name: `Reset 2FA for ${E2E_USERS.resetMember}` });
  await expect(reset).toBeFocused();
  // Other members' rows are as they were.
  await expect(page.getByTestId("member-row").filter({ hasText: E2E_USERS.resetOwner })).not.toContainText("Their sessions");
  // The other admin has a second factor, but only the owner may reset an admin's: this admin is offered nothing that would be refused.
  const coAdminRow = page.getByTestId("member-row").filter({ hasText: E2E_USERS.resetCoAdmin });
  await expect(coAdminRow).toContainText("Set up");
  await expect(coAdminRow.getByRole("button")).toHaveCount(0);
  await page.keyboard.press("Enter");
  await expect(row.getByRole("status")).toHaveText(`Two-step authentication of ${E2E_USERS.resetMember} was reset. Their sessions ended.`);
});

test("after \"Confirm it's you\", an admin's reset of a member on the members table's second page comes back to that page with the step open", async ({
  page,
  vonageUrl,
}) => {
  await new SignInPage(page).signIn(E2E_USERS.pagingAdmin);
  const { code } = await new SetupPage(page).enrollOnSecurityPage(vonageUrl, PAGING_ADMIN_PHONE);
  await new AccountSettingsPage(page).goto();
  await expect(page.getByTestId("member-row").filter({ hasText: E2E_USERS.pagingLater })).toHaveCount(0);
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/\/account-settings\?after=/);
  acceptNextQuestion(page);
  await page.getByRole("button", { name: `Reset 2FA for ${E2E_USERS.pagingLater}` }).click();
  await confirmItsYou(page, vonageUrl, PAGING_ADMIN_PHONE, code);

  await expect(page).toHaveURL(/\/account-settings\?after=[^&]+&resume=reset&member=/);
  const row = page.getByTestId("member-row").filter({ hasText: E2E_USERS.pagingLater });
  await expect(row).toContainText(`Reset two-step authentication for ${E2E_USERS.pagingLater}? Their sessions and trusted devices end.`);
  await expect(row.getByRole("button", { name: `Reset 2FA for ${E2E_USERS.pagingLater}` })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(row.getByRole("status")).toHaveText(`Two-step authentication of ${E2E_USERS.pagingLater} was reset. Their sessions ended.`);
});

test("an owner without a second factor who requires it for all members is told at Save that they will set it up at their next sign-in, with \"Set up now\"", async ({
  page,
}) => {
  await new SignInPage(page).signIn(E2E_USERS.ownOwner);
  const settings = new AccountSettingsPage(page);
  await settings.goto();
  await expect(page.getByText("0 of 1 members have set up two-step authentication")).toBeVisible();
  await settings.setRequirement(true);
  const saved = page.getByRole("status").filter({ hasText: "Settings saved." });
  await expect(saved).toContainText(
    "All admins and members will be required to set up two-factor authentication the next time they sign in. You have not set up two-step authentication yourself: you will be asked to at your next sign-in.",
  );
  await saved.getByRole("link", { name: "Set up now" }).click();
  await expect(page).toHaveURL(/\/security$/);
  await expect(page.getByLabel("Phone number", { exact: true })).toBeVisible();
});
