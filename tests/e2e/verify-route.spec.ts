import type { Browser } from "@playwright/test";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, contextAtChallenge, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// The challenge's second step: with JavaScript the form posts to the plugin's route, /api/two-factor/challenge/verify
// (JSON, no page rendered into the answer); without it, to its server action. That route sets
// the session cookie, so it refuses requests from other origins itself.
const EMAIL = E2E_USERS.verifyRoute;
const PHONE = "+14155553011";
const VERIFY = "/api/two-factor/challenge/verify";
const EVIL = "http://evil.example";

test.describe.configure({ mode: "serial" });

let backupCodes: string[] = [];
let lastCode: string | undefined;

/** A context at the challenge: the password is done and a code was texted (returned). */
async function atChallenge(browser: Browser, baseURL: string, vonageUrl: string, options: { javaScriptEnabled?: boolean } = {}) {
  const at = await contextAtChallenge(browser, { baseURL, vonageUrl, email: EMAIL, phone: PHONE, previousCode: lastCode, ...options });
  lastCode = at.code;
  return at;
}

test.beforeAll(async ({ browser, baseURL, vonageUrl }) => {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(page).signIn(EMAIL);
  ({ code: lastCode, backupCodes } = await new SetupPage(page).enrollOnSecurityPage(vonageUrl, PHONE));
  await page.context().close();
});

test("with JavaScript, Verify posts the code to the verify route, which answers JSON, and the member gets in", async ({ browser, baseURL, vonageUrl }) => {
  const { context, page, code } = await atChallenge(browser, baseURL!, vonageUrl);
  const posted = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === VERIFY);
  await new ChallengePage(page).verifySms(code, { trust: false });
  const answer = await posted;
  expect(answer.headers()["content-type"]).toMatch(/^application\/json/);
  expect(answer.headers()["cache-control"]).toBe("no-store");
  expect(await answer.json()).toEqual({ ok: true, message: "Verified. Signing you in…", redirectTo: "/" });
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  await context.close();
});

test("without JavaScript, the same form posts to its server action, which redirects the member into the portal", async ({ browser, baseURL, vonageUrl }) => {
  const { context, page, code } = await atChallenge(browser, baseURL!, vonageUrl, { javaScriptEnabled: false });
  const requests: string[] = [];
  page.on("request", (r) => void requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await page.getByLabel("Verification code").fill(code);
  await page.getByLabel("Trust this device").setChecked(false);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  expect(new URL(page.url()).pathname).toBe("/");
  expect(requests.filter((r) => r.startsWith("POST"))).toEqual(["POST /two-factor/challenge"]);
  await context.close();
});

test("without JavaScript, a wrong code is refused on the challenge page with the tries left", async ({ browser, baseURL, vonageUrl }) => {
  const { context, page, code } = await atChallenge(browser, baseURL!, vonageUrl, { javaScriptEnabled: false });
  const wrong = code === "000000" ? "111111" : "000000";
  await page.getByLabel("Verification code").fill(wrong);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(new ChallengePage(page).fieldError("code")).toHaveText("That code is not right. 4 tries left for this code.");
  await expect(page).toHaveURL(/\/two-factor\/challenge/);
  expect((await context.cookies()).map((c) => c.name).filter((n) => n.includes("session-token"))).toEqual([]);
  await context.close();
});

test("the verify route refuses a POST from another origin, or with no Origin, and uses nothing up: the same backup code then signs in", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  const { context, page } = await atChallenge(browser, baseURL!, vonageUrl);
  const backupCode = backupCodes[0]!;
  for (const origin of [EVIL, "null", `${new URL(baseURL!).origin}.evil.example`, undefined]) {
    const answer = await context.request.post(VERIFY, {
      headers: { accept: "application/json", ...(origin ? { origin } : {}) },
      multipart: { method: "backup", backupCode, trustDevice: "on" },
      maxRedirects: 0,
    });
    expect(answer.status(), `Origin: ${origin}`).toBe(403);
    expect((await answer.json()) as unknown, `Origin: ${origin}`).toMatchObject({ ok: false, error: expect.stringMatching(/did not come from this site/) });
    expect(answer.headers()["set-cookie"] ?? "", `Origin: ${origin}`).not.toMatch(/session-token=[^;]+|c2fa-device=[^;]+/);
  }
  expect((await context.cookies()).map((c) => c.name).filter((n) => n.includes("session-token"))).toEqual([]);
  await new ChallengePage(page).useBackupCode(backupCode, { trust: false });
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  await context.close();
});
