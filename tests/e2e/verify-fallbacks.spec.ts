import type { Browser } from "@playwright/test";
import { ERROR_MESSAGES } from "../../lib/errors";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, contextAtChallenge, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// With JavaScript the challenge form posts to /api/two-factor/challenge/verify itself: when that post
// cannot be made, gets no JSON, or finds the sign-in gone, the member is told and loses nothing.
// (One member of its own: five codes an hour per account, and each test texts one.)
const EMAIL = E2E_USERS.verifyFallbacks;
const PHONE = "+14155553012";
const VERIFY = "**/api/two-factor/challenge/verify";
const PENDING_COOKIE = "__Host-c2fa-pending";

test.describe.configure({ mode: "serial" });

let lastCode: string | undefined;

async function atChallenge(browser: Browser, baseURL: string, vonageUrl: string) {
  const at = await contextAtChallenge(browser, { baseURL, vonageUrl, email: EMAIL, phone: PHONE, previousCode: lastCode });
  lastCode = at.code;
  return at;
}

test.beforeAll(async ({ browser, baseURL, vonageUrl }) => {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(page).signIn(EMAIL);
  ({ code: lastCode } = await new SetupPage(page).enrollOnSecurityPage(vonageUrl, PHONE));
  await page.context().close();
});

test("when Verify cannot reach the server the member is told so, the code stays in the field, and Verify again signs in", async ({ browser, baseURL, vonageUrl }) => {
  const { context, page, code } = await atChallenge(browser, baseURL!, vonageUrl);
  await page.route(VERIFY, (route) => route.abort("internetdisconnected"));
  await new ChallengePage(page).verifySms(code, { trust: false });
  await expect(page.locator("main form").getByRole("alert")).toHaveText(ERROR_MESSAGES.NETWORK);
  await expect(page.getByLabel("Verification code")).toHaveValue(code);
  await expect(page.getByRole("button", { name: "Verify", exact: true })).toBeEnabled();
  expect((await context.cookies()).map((c) => c.name).filter((n) => n.includes("session-token"))).toEqual([]);

  await page.unroute(VERIFY);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  await context.close();
});

test("an answer that is not the route's JSON (a proxy's error page) reads as a fault on our side, and the code still works", async ({ browser, baseURL, vonageUrl }) => {
  const { context, page, code } = await atChallenge(browser, baseURL!, vonageUrl);
  await page.route(VERIFY, (route) => route.fulfill({ status: 502, contentType: "text/html", body: "<h1>502 Bad Gateway</h1>" }));
  await new ChallengePage(page).verifySms(code, { trust: false });
  await expect(page.locator("main form").getByRole("alert")).toHaveText(ERROR_MESSAGES.SERVICE_UNAVAILABLE);
  await expect(page.getByRole("button", { name: "Verify", exact: true })).toBeEnabled();

  await page.unroute(VERIFY);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  await context.close();
});

test("a sign-in that ended while the form was open sends the member to sign in again with the notice, and signs nobody in", async ({ browser, baseURL, vonageUrl }) => {
  const { context, page, code } = await atChallenge(browser, baseURL!, vonageUrl);
  // what the cookie's end (10 minutes) does: the browser no longer sends the pending sign-in
  await context.clearCookies({ name: PENDING_COOKIE });
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/two-factor/challenge/verify");
  await new ChallengePage(page).verifySms(code, { trust: false });
  // the route checks the pending sign-in itself (the gate lets it through): 401, and where to go
  const answer = await answered;
  expect(answer.status()).toBe(401);
  await expect(page).toHaveURL(/\/sign-in\?expired=1$/);
  await expect(page.getByText("Your sign-in took too long and has expired. Sign in again.")).toBeVisible();
  expect((await context.cookies()).map((c) => c.name).filter((n) => n.includes("session-token"))).toEqual([]);
  await context.close();
});
