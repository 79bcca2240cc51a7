import { expect, test } from "./fixtures";
import { refreshApp, signInAppWithThisBrowser, SignedInAppsSection } from "./pages/signed-in-apps-page";
import { SignInPage } from "./pages/sign-in-page";
import { E2E_OAUTH_APP } from "./env";
import { E2E_USERS } from "./seed";

// Issue 19 §2: the Security page lists the apps signed in to the member's account, beside trusted
// devices, and Revoke signs one out at once: its refresh token is refused from then on.
test("a member sees the app they signed in to on the Security page, revokes it, and the app's refresh token stops working", async ({ page }) => {
  await new SignInPage(page).signIn(E2E_USERS.appsMember);
  const apps = new SignedInAppsSection(page);
  await apps.goto();
  await apps.expectNone();

  const { refreshToken } = await signInAppWithThisBrowser(page);
  const refreshed = await refreshApp(page, refreshToken);
  expect(refreshed.status).toBe(200);
  await apps.goto();
  await expect(apps.rows()).toHaveCount(1);
  await expect(apps.rows()).toContainText(E2E_OAUTH_APP.name);
  await apps.expectNoSeriousViolations();

  await apps.revoke(E2E_OAUTH_APP.name);
  await expect(page).toHaveURL(/\/security\?app-revoked=1$/);
  await expect(page.getByRole("status")).toContainText("The app was signed out");
  await apps.expectNone();
  expect(await refreshApp(page, refreshed.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
});
