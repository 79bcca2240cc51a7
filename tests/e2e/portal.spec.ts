import { expect, test } from "@playwright/test";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { captureAction } from "./pages/attacker-requests";
import { SignInPage } from "./pages/sign-in-page";
import { E2E_USERS } from "./seed";

test.describe("portal foundation", () => {
  // Its own organization: lifting the requirement needs a second factor this owner never set up.
  test("the owner requires two-factor authentication, saves, reloads and sees it kept; with no second factor of their own they cannot lift it and are told to set one up", async ({
    page,
  }) => {
    await new SignInPage(page).signIn(E2E_USERS.portalOwner);
    await expect(page.getByTestId("organization-name")).toHaveText("Portal Co");
    await page.getByRole("link", { name: "Account Settings" }).click();
    const settings = new AccountSettingsPage(page);
    await expect(settings.requirement()).not.toBeChecked();
    await settings.setRequirement(true);
    await page.reload();
    await expect(settings.requirement()).toBeChecked();
    await settings.requirement().setChecked(false);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Set up two-step authentication on the Security page first." })).toBeVisible();
    await expect(page).toHaveURL(/\/account-settings$/);
    await page.reload();
    await expect(settings.requirement()).toBeChecked();
  });

  test("a member sees no Account Settings link and is refused the page", async ({ page }) => {
    await new SignInPage(page).signIn("member@example.com");
    await expect(page.getByRole("link", { name: "Account Settings" })).toHaveCount(0);
    const response = await page.goto("/account-settings");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
    await expect(page.getByLabel("Require two-factor authentication for all members")).toHaveCount(0);
  });

  test("a member posting the Account Settings action directly is refused and changes nothing", async ({ page, browser, baseURL }) => {
    // The owner's own submission (requirement ticked), captured without reaching the server, gives
    // the action's id and a valid body.
    await new SignInPage(page).signIn("owner@example.com");
    const settings = new AccountSettingsPage(page);
    await settings.goto();
    await settings.requirement().setChecked(true);
    const captured = await captureAction(page, "save account settings", () => page.getByRole("button", { name: "Save" }).click());

    const memberContext = await browser.newContext({ baseURL });
    const memberPage = await memberContext.newPage();
    await new SignInPage(memberPage).signIn("member@example.com");
    const answer = await memberContext.request.post("/account-settings", {
      headers: { ...captured.headers, origin: baseURL! },
      data: captured.body,
    });
    expect(await answer.text()).toContain("Only the account owner and admins can do this.");
    await memberContext.close();

    await settings.goto();
    await expect(settings.requirement()).not.toBeChecked();
  });

  test("a wrong password and an unknown email get the same generic message", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.submit("owner@example.com", "not the password");
    await expect(signIn.error()).toHaveText("The email or password is incorrect.");
    await expect(page.getByLabel("Email", { exact: true })).toHaveValue("owner@example.com");
    await signIn.submit("nobody@example.com", "not the password");
    await expect(signIn.error()).toHaveText("The email or password is incorrect.");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("an anonymous visitor is sent to sign-in and back to the page asked for", async ({ page }) => {
    await page.goto("/account-settings");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount-settings$/);
    await new SignInPage(page).submit("admin@example.com");
    await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
    await expect(page).toHaveURL(/\/account-settings$/);
  });

  test("a return path to another site is ignored (no open redirect)", async ({ page, baseURL }) => {
    await page.goto("/sign-in?callbackUrl=https%3A%2F%2Fevil.example%2Fphish");
    await new SignInPage(page).submit("member@example.com");
    await expect(page.getByTestId("signed-in-email")).toHaveText("member@example.com");
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    expect(page.url()).not.toContain("evil.example");
  });

  test("sign-out ends the session", async ({ page }) => {
    await new SignInPage(page).signIn("member@example.com");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
