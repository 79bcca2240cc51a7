import type { Browser, BrowserContext, Cookie, Page } from "@playwright/test";
import { SESSION_MAX_AGE_SECONDS } from "../../lib/auth/config.edge";
import { encodeSessionToken } from "../../lib/auth/session-token";
import { E2E_PASSWORD, E2E_SECRETS } from "./env";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";
import { codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 13, point 8: a session the server refuses is refused by next-auth's own routes too.
type SessionCookie = Pick<Cookie, "name" | "value">;
const HOUR = 3_600_000;

async function signedIn(browser: Browser, baseURL: string, email: string, password = E2E_PASSWORD): Promise<{ context: BrowserContext; page: Page; cookie: SessionCookie }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new SignInPage(page).signIn(email, password);
  const cookies = (await context.cookies()).filter((c) => c.name.endsWith("authjs.session-token"));
  expect(cookies).toHaveLength(1);
  return { context, page, cookie: { name: cookies[0]!.name, value: cookies[0]!.value } };
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

const header = (cookies: string[]) => ({ cookie: cookies.join("; ") });

async function csrf(baseURL: string): Promise<{ token: string; cookie: string }> {
  const answer = await fetch(new URL("/api/auth/csrf", baseURL));
  const cookie = answer.headers.getSetCookie().find((c) => c.includes("authjs.csrf-token="))!.split(";")[0]!;
  return { token: ((await answer.json()) as { csrfToken: string }).csrfToken, cookie };
}

/**
 * What /api/auth/session answers a script holding only this cookie: GET, and POST (next-auth's
 * update(), with a valid CSRF token), and whether the GET answer tells the browser to drop it.
 */
async function askSession(baseURL: string, session: SessionCookie) {
  const cookie = `${session.name}=${session.value}`;
  const get = await fetch(new URL("/api/auth/session", baseURL), { headers: header([cookie]) });
  const { token, cookie: csrfCookie } = await csrf(baseURL);
  const post = await fetch(new URL("/api/auth/session", baseURL), {
    method: "POST",
    headers: { ...header([cookie, csrfCookie]), "content-type": "application/json" },
    body: JSON.stringify({ csrfToken: token, data: { amr: ["pwd", "sms"] } }),
  });
  const cleared = get.headers.getSetCookie().some((c) => c.startsWith(`${session.name}=;`) && /Max-Age=0/i.test(c));
  return { get: (await get.json()) as { user?: { id?: string } } | null, post: (await post.json()) as { user?: { id?: string } } | null, cleared };
}

async function expectNoSession(baseURL: string, session: SessionCookie) {
  expect(await askSession(baseURL, session)).toEqual({ get: null, post: null, cleared: true });
}

async function userIdOf(baseURL: string, session: SessionCookie): Promise<string> {
  const { get, post } = await askSession(baseURL, session);
  expect(get?.user?.id, "a live session gets its user").toBeTruthy();
  expect(post?.user?.id).toBe(get!.user!.id);
  return get!.user!.id!;
}

test("a copy of the session cookie kept from before sign-out gets null from /api/auth/session (GET and POST), while the user's other session still gets its user", async ({
  browser,
  baseURL,
}) => {
  const kept = await signedIn(browser, baseURL!, E2E_USERS.sessionMember);
  const other = await signedIn(browser, baseURL!, E2E_USERS.sessionMember);
  const userId = await userIdOf(baseURL!, kept.cookie);
  await signOut(kept.page);
  await expectNoSession(baseURL!, kept.cookie);
  expect(await userIdOf(baseURL!, other.cookie)).toBe(userId);
  await kept.context.close();
  await other.context.close();
});

test("a copy of the session cookie kept from before a sign-out through next-auth's own POST /api/auth/signout gets null from /api/auth/session", async ({
  browser,
  baseURL,
}) => {
  const kept = await signedIn(browser, baseURL!, E2E_USERS.sessionMember);
  await userIdOf(baseURL!, kept.cookie);
  const { token, cookie: csrfCookie } = await csrf(baseURL!);
  const signedOut = await fetch(new URL("/api/auth/signout", baseURL), {
    method: "POST",
    redirect: "manual",
    headers: { ...header([`${kept.cookie.name}=${kept.cookie.value}`, csrfCookie]), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: token, callbackUrl: "/sign-in" }).toString(),
  });
  expect(signedOut.status).toBe(302);
  await expectNoSession(baseURL!, kept.cookie);
  await kept.page.goto("/");
  await expect(kept.page).toHaveURL(/\/sign-in/);
  await kept.context.close();
});

test("a copy of the session cookie kept from before a password reset gets null from /api/auth/session (GET and POST)", async ({ browser, baseURL }) => {
  const email = E2E_USERS.sessionPasswordMember;
  const kept = await signedIn(browser, baseURL!, email);
  await userIdOf(baseURL!, kept.cookie);

  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto("/password-reset");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account exists for that email");
  let link = "";
  await expect(async () => {
    await page.goto("/dev/outbox");
    const row = page.getByRole("row").filter({ hasText: email }).filter({ hasText: "/password-reset/" }).first();
    link = /http:\/\/localhost:\d+\/password-reset\/[A-Za-z0-9_-]+/.exec(await row.innerText({ timeout: 1_000 }))?.[0] ?? "";
    expect(link).not.toBe("");
  }).toPass({ timeout: 15_000 });
  const newPassword = "a session-ending new password 2026";
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText("Your password has been changed. Sign in with your new password.");

  await expectNoSession(baseURL!, kept.cookie);
  const fresh = await signedIn(browser, baseURL!, email, newPassword);
  await userIdOf(baseURL!, fresh.cookie);
  await kept.context.close();
  await fresh.context.close();
  await page.context().close();
});

test("a copy of the session cookie kept from before an admin's 2FA reset gets null from /api/auth/session (GET and POST)", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  test.setTimeout(120_000);
  const member = E2E_USERS.sessionResetMember;
  const kept = await signedIn(browser, baseURL!, member);
  // Reset 2FA is offered only for a member who has set it up.
  await new SetupPage(kept.page).enrollOnSecurityPage(vonageUrl, "+14155553302");
  const [cookie] = (await kept.context.cookies()).filter((c) => c.name.endsWith("authjs.session-token"));
  kept.cookie = { name: cookie!.name, value: cookie!.value };
  await userIdOf(baseURL!, kept.cookie);

  // The owner sets up a second factor, then resets the member, confirming it's them first.
  const owner = await signedIn(browser, baseURL!, E2E_USERS.sessionOwner);
  const phone = "+14155553301";
  const { code: setupCode } = await new SetupPage(owner.page).enrollOnSecurityPage(vonageUrl, phone);
  await owner.page.goto("/account-settings");
  const resetButton = () => owner.page.getByTestId("member-row").filter({ hasText: member }).getByRole("button", { name: `Reset 2FA for ${member}` });
  owner.page.once("dialog", (dialog) => void dialog.accept());
  await resetButton().click();
  await expect(owner.page).toHaveURL(/\/confirm\?next=%2Faccount-settings/);
  await owner.page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(owner.page.getByRole("status").filter({ hasText: "We texted a code to" })).toBeVisible();
  await owner.page.getByLabel("Password").fill(E2E_PASSWORD);
  await owner.page.getByLabel("Verification code").fill(await codeFromFake(vonageUrl, phone, setupCode));
  await owner.page.getByRole("button", { name: "Confirm" }).click();
  await expect(owner.page).toHaveURL(/\/account-settings/);
  owner.page.once("dialog", (dialog) => void dialog.accept());
  await resetButton().click();
  await expect(owner.page.getByTestId("member-row").filter({ hasText: member }).getByRole("status")).toContainText("was reset");

  await expectNoSession(baseURL!, kept.cookie);
  expect(await askSession(baseURL!, owner.cookie)).toMatchObject({ get: { user: {} }, cleared: false });
  await kept.context.close();
  await owner.context.close();
});

test("a session past its 24-hour lifetime gets null from /api/auth/session (GET and POST), though next-auth's own route keeps sliding its token's expiry", async ({
  browser,
  baseURL,
}) => {
  const live = await signedIn(browser, baseURL!, E2E_USERS.sessionMember);
  const userId = await userIdOf(baseURL!, live.cookie);
  const now = Date.now();
  // The token next-auth's session route would have re-issued an hour ago for a session of this user.
  const reissued = async (authTime: number): Promise<SessionCookie> => ({
    name: live.cookie.name,
    value: await encodeSessionToken({ sub: userId, amr: ["pwd"], authTime }, E2E_SECRETS.AUTH_SECRET, live.cookie.name, now - HOUR, SESSION_MAX_AGE_SECONDS),
  });
  expect(await userIdOf(baseURL!, await reissued(now - 1_000)), "control: the same forgery of a session signed in just now").toBe(userId);
  await expectNoSession(baseURL!, await reissued(now - SESSION_MAX_AGE_SECONDS * 1000 - HOUR));
  await live.context.close();
});
