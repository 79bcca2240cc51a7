import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { latestCodeFor } from "../fakes/vonage-client";
import { test } from "./fixtures";
import { SecurityMethodsPage } from "./pages/security-methods-page";
import { ChallengePage, codeFromFake, contextAtChallenge, contextAtChallengeUntexted } from "./pages/two-factor-pages";
import { E2E_METHOD_PICKER_PHONE, E2E_USERS } from "./seed";

// Issue 18, the method picker: a member with SMS adds an authenticator app on the Security page;
// sign-in then opens with the app (nothing texted) and offers SMS then the backup code; they make
// SMS preferred and the next sign-in opens with SMS; the app removed, SMS cannot be: it is the
// last method and their organization requires two-step authentication. With an app again, SMS
// goes, and the Security page of a member with only an app works.
const EMAIL = E2E_USERS.methodPickerMember;
const PHONE = E2E_METHOD_PICKER_PHONE;

/** axe-core's WCAG 2.1 A/AA rules on the page as it is: no serious or critical violation. */
async function expectAccessible(page: Page, what: string) {
  await expect(page, `${what}: the document's title`).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect.soft(serious, what).toEqual([]);
}

test("the challenge opens with the preferred method, the picker lists the rest in order, and the last method cannot be removed", async ({ browser, baseURL, vonageUrl }) => {
  test.setTimeout(150_000);
  const first = await contextAtChallenge(browser, { baseURL: baseURL!, vonageUrl, email: EMAIL, phone: PHONE });
  // Only SMS: the article's two choices.
  expect(await new ChallengePage(first.page).otherMethods()).toEqual(["Use the backup code"]);
  await new ChallengePage(first.page).verifySms(first.code, { trust: false });
  await expect(first.page.getByTestId("signed-in-email")).toHaveText(EMAIL);

  await test.step("the Security page lists SMS; adding an app makes it the method sign-in opens with", async () => {
    const security = new SecurityMethodsPage(first.page);
    await security.goto();
    await expect(security.method("Text message (SMS)").getByTestId("two-factor-phone")).toBeVisible();
    await expect(security.method("Text message (SMS)").getByText("Preferred", { exact: true })).toBeVisible();
    await security.addAuthenticatorApp();
    await expect(security.method("Authenticator app").getByText("Preferred", { exact: true })).toBeVisible();
    await expect(first.page.getByRole("button", { name: "Make SMS preferred" })).toBeVisible();
    await expectAccessible(first.page, "Security page, SMS and an authenticator app");
    await first.page.getByRole("button", { name: "Sign out" }).click();
    await first.context.close();
  });

  let lastCode = first.code;
  await test.step("the next sign-in opens with the app and texts nothing; the picker lists SMS, then the backup code; SMS works after Resend code", async () => {
    const at = await contextAtChallengeUntexted(browser, { baseURL: baseURL!, email: EMAIL });
    expect(await latestCodeFor(vonageUrl, PHONE)).toBe(first.code);
    await expect(at.page.getByLabel("Authentication code")).toBeVisible();
    const challenge = new ChallengePage(at.page);
    expect(await challenge.otherMethods()).toEqual(["Use the code received via SMS", "Use the backup code"]);
    await at.page.getByRole("button", { name: "Use the code received via SMS" }).click();
    await expect(at.page.getByText("No code has been texted for this sign-in yet.", { exact: false })).toBeVisible();
    await expectAccessible(at.page, "challenge, SMS chosen before any code was texted");
    await challenge.resendButton().click();
    const code = await codeFromFake(vonageUrl, PHONE, first.code);
    await challenge.verifySms(code, { trust: false });
    await expect(at.page.getByTestId("signed-in-email")).toHaveText(EMAIL);

    const security = new SecurityMethodsPage(at.page);
    await security.goto();
    await security.makePreferred("SMS");
    await expect(security.status().filter({ hasText: "SMS is now your preferred method" })).toBeVisible();
    await expect(security.method("Text message (SMS)").getByText("Preferred", { exact: true })).toBeVisible();
    await expect(at.page.getByRole("button", { name: "Make the authenticator app preferred" })).toBeVisible();
    await at.page.getByRole("button", { name: "Sign out" }).click();
    await at.context.close();
    lastCode = code;
  });

  await test.step("SMS preferred: the next sign-in texts a code and opens with SMS, the app next", async () => {
    const at = await contextAtChallenge(browser, { baseURL: baseURL!, vonageUrl, email: EMAIL, phone: PHONE, previousCode: lastCode });
    await expect(at.page.getByLabel("Verification code")).toBeVisible();
    const challenge = new ChallengePage(at.page);
    expect(await challenge.otherMethods()).toEqual(["Use your authenticator app", "Use the backup code"]);
    await challenge.verifySms(at.code, { trust: false });
    await expect(at.page.getByTestId("signed-in-email")).toHaveText(EMAIL);

    await test.step("the app removed, removing SMS is refused: it is the last method and the organization requires two-step authentication", async () => {
      const security = new SecurityMethodsPage(at.page);
      await security.goto();
      await security.remove("authenticator app");
      await expect(security.status().filter({ hasText: "Your authenticator app was removed" })).toBeVisible();
      await security.remove("SMS");
      await expect(security.method("Text message (SMS)").getByRole("alert")).toHaveText(
        "Your organization requires two-step authentication, so your only verification method cannot be removed. Add another method first, then remove this one.",
      );
      await at.page.reload();
      await expect(security.method("Text message (SMS)").getByTestId("two-factor-phone")).toBeVisible();
      await expectAccessible(at.page, "Security page, SMS the only method");
    });

    await test.step("with an app again, SMS can go; the page of a member with only an app works (Add SMS, backup codes), and the app is then the last method", async () => {
      const security = new SecurityMethodsPage(at.page);
      await security.addAuthenticatorApp();
      await security.remove("SMS");
      await expect(security.status().filter({ hasText: "SMS was removed" })).toBeVisible();
      await expect(security.method("Text message (SMS)").getByRole("link", { name: "Add SMS" })).toBeVisible();
      await expect(at.page.getByTestId("two-factor-status")).toHaveText("On (required by your organization)");
      await expect(security.method("Authenticator app").getByText("Preferred", { exact: true })).toBeVisible();
      at.page.once("dialog", (dialog) => void dialog.accept());
      await at.page.getByRole("button", { name: "Create new backup codes" }).click();
      await expect(at.page.getByRole("heading", { name: "Your backup codes" })).toBeVisible();
      await security.goto();
      await security.remove("authenticator app");
      await expect(security.method("Authenticator app").getByRole("alert")).toHaveText(
        "Your organization requires two-step authentication, so your only verification method cannot be removed. Add another method first, then remove this one.",
      );
      await expectAccessible(at.page, "Security page, only an authenticator app");
    });
    await at.context.close();
  });
});
