import { setFakeVonageMode } from "../fakes/vonage-client";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";
import { codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

const PHONE = "+14155553005";
const SMS_FAILED = "We could not send the text message. Check the phone number and try again in a moment.";

test.afterEach(async ({ vonageUrl }) => {
  await setFakeVonageMode(vonageUrl, { kind: "ok" });
});

test("when Vonage fails the user is told clearly, nothing counts as sent, and an immediate retry works", async ({ page, vonageUrl }) => {
  await new SignInPage(page).signIn(E2E_USERS.smsFailure);
  await page.goto("/security");
  const setup = new SetupPage(page);

  for (const mode of [
    { kind: "http", status: 500 },
    { kind: "status", status: "1", errorText: "Throttled" },
  ] as const) {
    await setFakeVonageMode(vonageUrl, mode);
    // The alert of the previous round has the same words: wait for this round's answer, or the
    // fake may already be back to "ok" when this send reaches it.
    const answered = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/security");
    await setup.sendCode(PHONE);
    await answered;
    await expect(page.getByRole("alert").filter({ hasText: SMS_FAILED })).toBeVisible();
    await expect(setup.dialog()).toBeHidden();
    await expect(page.getByLabel("Phone number", { exact: true })).toHaveValue(PHONE);
  }

  // The failed attempts did not count: no 30 s wait before the next code.
  await setFakeVonageMode(vonageUrl, { kind: "ok" });
  await setup.sendCode(PHONE);
  await expect(setup.dialog()).toBeVisible();
  await setup.verify(await codeFromFake(vonageUrl, PHONE));
  expect(await setup.backupCodes()).toHaveLength(10);
});
