import { setFakeVonageMode } from "../fakes/vonage-client";
import { E2E_PASSWORD } from "./env";
import { expect, test } from "./fixtures";
import { openOutboxWith } from "./pages/outbox-page";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, contextAtChallenge, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 14: the way out works, and each screen's text is true and names only what it offers.
const NO_SMS_PHONE = "+14155553041";
const LOCK_PHONE = "+14155553042";
const CONFIRM_LOCK_PHONE = "+14155553044";

test.afterEach(async ({ vonageUrl }) => {
  await setFakeVonageMode(vonageUrl, { kind: "ok" });
});

test("when the code at sign-in could not be texted, the challenge does not say it was, offers Resend code, and a resend clears the notice", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  const setupPage = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(setupPage).signIn(E2E_USERS.messagesNoSms);
  await new SetupPage(setupPage).enrollOnSecurityPage(vonageUrl, NO_SMS_PHONE);
  await setupPage.context().close();

  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await setFakeVonageMode(vonageUrl, { kind: "http", status: 500 });
  await new SignInPage(page).goto();
  await new SignInPage(page).submit(E2E_USERS.messagesNoSms);
  const challenge = new ChallengePage(page);
  await challenge.expectShown();
  await expect(page.getByText("We texted a verification code")).toHaveCount(0);
  await expect(page.getByText("No code has been texted for this sign-in yet.")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "We could not send the text message. Try again in a moment with “Resend code”, or use the backup code." })).toBeVisible();

  // The method already shown is not offered again.
  await page.getByRole("button", { name: "Choose another verification method" }).click();
  await expect(page.getByRole("button", { name: "Use the code received via SMS" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Use the backup code" })).toBeVisible();

  // Verify with no code sent: the answer is about a code that is not there...
  await challenge.verifySms("000000", { trust: false });
  await expect(challenge.fieldError("code")).toHaveText("That code has expired or was replaced by a newer one. Ask for a new one with “Resend code”.");

  // ...and goes, with the notice, once a new code is sent.
  await setFakeVonageMode(vonageUrl, { kind: "ok" });
  await challenge.resendButton().click();
  await expect(page.getByRole("status").filter({ hasText: "We sent a new code to" })).toBeVisible();
  await expect(page.getByText("We could not send the text message")).toHaveCount(0);
  await expect(challenge.fieldError("code")).toHaveCount(0);
  await expect(page.getByText("We texted a verification code")).toBeVisible();

  // An expired sign-in is a warning, and the email typed is kept.
  await page.goto("/sign-in?expired=1");
  await expect(page.getByRole("status").filter({ hasText: "Your sign-in took too long and has expired." })).toHaveAttribute("data-tone", "warning");
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(E2E_USERS.messagesNoSms);
  await context.close();
});

test("the lock is announced: tries left before it, then until when, the forms disabled, and an email to the member", async ({ browser, baseURL, vonageUrl }) => {
  const setupPage = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(setupPage).signIn(E2E_USERS.messagesLock);
  const { code: setupCode } = await new SetupPage(setupPage).enrollOnSecurityPage(vonageUrl, LOCK_PHONE);
  await setupPage.context().close();

  const { context, page } = await contextAtChallenge(browser, { baseURL: baseURL!, vonageUrl, email: E2E_USERS.messagesLock, phone: LOCK_PHONE, previousCode: setupCode });
  const challenge = new ChallengePage(page);
  await page.getByRole("button", { name: "Choose another verification method" }).click();
  await page.getByRole("button", { name: "Use the backup code" }).click();
  for (let left = 9; left >= 1; left--) {
    await page.getByLabel("Backup code").fill(`ZZZZ-ZZZZ-ZZ${String(left).padStart(2, "0")}`);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect(challenge.fieldError("backupCode")).toHaveText(
      `That backup code is not right or was already used. ${left} ${left === 1 ? "try" : "tries"} left before two-step verification is locked.`,
    );
  }
  await page.getByLabel("Backup code").fill("ZZZZ-ZZZZ-ZZ00");
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  const lock = page.getByTestId("lock-message");
  await expect(lock).toHaveText(/^Too many wrong codes\. Two-step verification is locked: try again after (?:\d{1,2} [A-Z][a-z]+, )?\d\d:\d\d, or submit a change of password request\.$/);
  await expect(page.getByLabel("Backup code")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Verify", exact: true })).toBeDisabled();
  await expect(page.getByRole("link", { name: "Submit a change of password request" })).toBeVisible();

  // Reloaded, the page still knows the lock.
  await page.reload();
  await expect(page.getByTestId("lock-message")).toBeVisible();
  await expect(page.getByLabel("Verification code")).toBeDisabled();
  await expect(challenge.resendButton()).toBeDisabled();

  const outbox = await (await browser.newContext({ baseURL })).newPage();
  await openOutboxWith(outbox, /messages-lock@example\.com[\s\S]*Two-step verification on your account is locked/);
  await outbox.context().close();
  await context.close();
});

test("at \"Confirm it's you\" the lock is announced too: tries left, then until when, every form disabled (also after a reload), and an email to the member", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new SignInPage(page).signIn(E2E_USERS.messagesConfirmLock);
  await new SetupPage(page).enrollOnSecurityPage(vonageUrl, CONFIRM_LOCK_PHONE);
  await page.goto("/confirm?next=%2Fsecurity");
  await page.getByRole("button", { name: "Use the backup code" }).click();
  await expect(page.getByRole("button", { name: "Send code", exact: true })).toHaveCount(0);
  for (let left = 9; left >= 1; left--) {
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByLabel("Backup code").fill(`ZZZZ-ZZZZ-ZZ${String(left).padStart(2, "0")}`);
    await page.getByRole("button", { name: "Confirm", exact: true }).click();
    await expect(page.locator("#code-error")).toHaveText(
      `That backup code is not right or was already used. ${left} ${left === 1 ? "try" : "tries"} left before two-step verification is locked.`,
    );
  }
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByLabel("Backup code").fill("ZZZZ-ZZZZ-ZZ00");
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  const lock = page.getByTestId("lock-message");
  // Confirm it's you has no change of password request to offer: only the time it lifts.
  await expect(lock).toHaveText(/^Too many wrong codes\. Two-step verification is locked: try again after (?:\d{1,2} [A-Z][a-z]+, )?\d\d:\d\d\.$/);
  await expect(page.getByLabel("Backup code")).toBeDisabled();
  await expect(page.getByLabel("Password")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Confirm", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Use the code received via SMS" })).toBeDisabled();

  // Reloaded, the page still knows the lock, for the SMS form too.
  await page.reload();
  await expect(page.getByTestId("lock-message")).toHaveText(/try again after (?:\d{1,2} [A-Z][a-z]+, )?\d\d:\d\d\.$/);
  await expect(page.getByRole("button", { name: "Send code", exact: true })).toBeDisabled();
  await expect(page.getByLabel("Verification code")).toBeDisabled();

  const outbox = await (await browser.newContext({ baseURL })).newPage();
  await openOutboxWith(outbox, /messages-confirm-lock@example\.com[\s\S]*Two-step verification on your account is locked[\s\S]*on the "Confirm it's you" page of your Connect account/);
  await outbox.context().close();
  await context.close();
});

test("a change of password request reaches the outbox", async ({ page }) => {
  await page.goto("/password-reset");
  await page.getByLabel("Email", { exact: true }).fill(E2E_USERS.messagesReset);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "If an account exists for that email" })).toBeVisible();
  await openOutboxWith(page, /messages-reset@example\.com[\s\S]*Change your Connect password/);
});

test("after new backup codes are made, the Security page counts the new set", async ({ browser, baseURL, vonageUrl }) => {
  const phone = "+14155553043";
  const setupPage = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(setupPage).signIn(E2E_USERS.messagesReset);
  const { code, backupCodes } = await new SetupPage(setupPage).enrollOnSecurityPage(vonageUrl, phone);
  await setupPage.context().close();

  const { context, page } = await contextAtChallenge(browser, { baseURL: baseURL!, vonageUrl, email: E2E_USERS.messagesReset, phone, previousCode: code });
  await new ChallengePage(page).useBackupCode(backupCodes[0]!, { trust: false });
  await expect(page.getByTestId("signed-in-email")).toHaveText(E2E_USERS.messagesReset);
  await page.goto("/security");
  await expect(page.getByTestId("backup-codes-left")).toHaveText("9");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Create new backup codes" }).click();
  await expect(page.getByTestId("backup-code")).toHaveCount(10);
  await expect(page.getByTestId("backup-codes-left")).toHaveText("10");
  await context.close();
});
