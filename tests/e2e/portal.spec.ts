import { expect, test } from "@playwright/test";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { SignInPage } from "./pages/sign-in-page";

test.describe("portal foundation", () => {
  test("the owner requires two-factor authentication, saves, reloads and sees it kept", async ({ page }) => {
    await new SignInPage(page).signIn("owner@example.com");
    await expect(page.getByTestId("organization-name")).toHaveText("Acme");
    await page.getByRole("link", { name: "Account Settings" }).click();
    const settings = new AccountSettingsPage(page);
    await expect(settings.requirement()).not.toBeChecked();
    await settings.setRequirement(true);
    await page.reload();
    await expect(settings.requirement()).toBeChecked();
    await settings.setRequirement(false);
    await page.reload();
    await expect(settings.requirement()).not.toBeChecked();
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
    // The owner's own submission (requirement ticked) gives the action's id and a valid body.
    await new SignInPage(page).signIn("owner@example.com");
    const settings = new AccountSettingsPage(page);
    await settings.goto();
    const posted = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
    await settings.setRequirement(true);
    const captured = await posted;
    await settings.setRequirement(false);

    const memberContext = await browser.newContext({ baseURL });
    const memberPage = await memberContext.newPage();
    await new SignInPage(memberPage).signIn("member@example.com");
    const answer = await memberContext.request.post("/account-settings", {
      headers: {
        "next-action": captured.headers()["next-action"]!,
        "content-type": captured.headers()["content-type"]!,
        origin: baseURL!,
        accept: "text/x-component",
      },
      data: captured.postDataBuffer()!,
    });
    expect(await answer.text()).toContain("Only the account owner and admins can do this.");
    await memberContext.close();

    await page.reload();
    await expect(settings.requirement()).not.toBeChecked();
  });

  test("a wrong password and an unknown email get the same generic message", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.submit("owner@example.com", "not the password");
    await expect(signIn.error()).toHaveText("The email or password is incorrect.");
    await expect(page.getByLabel("Email")).toHaveValue("owner@example.com");
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
