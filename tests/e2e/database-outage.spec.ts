import fs from "node:fs";
import type { APIRequestContext } from "@playwright/test";
import { withAdminConnection } from "../../lib/db/admin";
import { ERROR_MESSAGES } from "../../lib/errors";
import { expect, test } from "./fixtures";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { SignInPage } from "./pages/sign-in-page";
import { serverLogFile } from "./pages/fault-member";
import { ChallengePage, contextAtChallenge, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// PostgreSQL only (playwright.config.ts): the server's database goes away for real. The challenge
// step must fail closed and keep the code for when it is back; pages, routes and actions answer
// "temporarily unavailable" (503 once the breaker is open), and the log says it in a few safe lines.
const EMAIL = E2E_USERS.databaseOutage;
/** Acme's owner: signs in with the password alone (Acme does not require 2FA) and sees Account Settings. */
const OWNER = "owner@example.com";
const SEARCH = "somesearch";
const SENTENCE = ERROR_MESSAGES.SERVICE_UNAVAILABLE;
const HTML = { accept: "text/html,application/xhtml+xml" };
const PHONE = "+14155553013";
const VERIFY = "/api/two-factor/challenge/verify";

/** The e2e server's own database (tests/e2e/server.ts) and the maintenance URL to reach it from outside. */
function databaseOf(baseURL: string) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("the postgres project runs with TEST_DATABASE_URL");
  return { adminUrl, name: `c2fa_e2e_${new URL(baseURL).port}` };
}

/** No new connections to the server's database, and its open ones ended: as when PostgreSQL goes down. */
async function takeDatabaseAway(adminUrl: string, name: string) {
  await withAdminConnection(adminUrl, async (admin) => {
    await admin.query(`alter database ${name} allow_connections false`);
    await admin.query("select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
  });
}

async function bringDatabaseBack(adminUrl: string, name: string) {
  await withAdminConnection(adminUrl, (admin) => admin.query(`alter database ${name} allow_connections true`));
}

/** Waits (bounded) until the server answers again: the breaker probes the database every half second. */
async function untilServing(request: APIRequestContext) {
  await expect.poll(async () => (await request.get("/sign-in", { headers: HTML })).status(), { timeout: 10_000 }).toBe(200);
}

/** Waits until the server's pool has let its idle connections go (10 s): the next request is the one to find the database gone. */
async function untilPoolIdle(adminUrl: string, name: string) {
  const connections = () =>
    withAdminConnection(adminUrl, async (admin) => {
      const result = await admin.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = $1 and backend_type = 'client backend'", [name]);
      return Number(result.rows[0]!.n);
    });
  await expect.poll(connections, { timeout: 30_000, intervals: [500] }).toBe(0);
}

/** The owner's user id and organization id: neither may reach the log. */
async function idsOf(adminUrl: string, name: string, email: string): Promise<string[]> {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return withAdminConnection(url.toString(), async (db) => {
    const result = await db.query<{ user_id: string; organization_id: string }>(
      "select u.id as user_id, m.organization_id from users u join memberships m on m.user_id = u.id where u.email = $1",
      [email],
    );
    return [result.rows[0]!.user_id, result.rows[0]!.organization_id];
  });
}

/** The server log from `offset` on, as lines. */
function logLinesFrom(baseURL: string, offset: number): string[] {
  // Next.js dims some console output with ANSI codes: the lines are compared without them.
  // eslint-disable-next-line no-control-regex
  const text = fs.readFileSync(serverLogFile(baseURL)).subarray(offset).toString("utf8").replace(/\u001b\[[0-9;]*m/g, "");
  return text.split("\n").filter((line) => line.trim() !== "");
}

const logSize = (baseURL: string) => fs.statSync(serverLogFile(baseURL)).size;

test("the database going away during the challenge: Verify answers 503 with a safe message and signs nobody in; once it is back the same code signs in", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  const enrolling = await (await browser.newContext({ baseURL })).newPage();
  await new SignInPage(enrolling).signIn(EMAIL);
  const enrolled = await new SetupPage(enrolling).enrollOnSecurityPage(vonageUrl, PHONE);
  await enrolling.context().close();
  const { context, page, code } = await contextAtChallenge(browser, { baseURL: baseURL!, vonageUrl, email: EMAIL, phone: PHONE, previousCode: enrolled.code });

  const { adminUrl, name } = databaseOf(baseURL!);
  const logFrom = logSize(baseURL!);
  await takeDatabaseAway(adminUrl, name);
  try {
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === VERIFY);
    await new ChallengePage(page).verifySms(code, { trust: false });
    const answer = await answered;
    expect(answer.status()).toBe(503);
    expect(answer.headers()["cache-control"]).toBe("no-store");
    expect(await answer.json()).toEqual({ ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE });
    expect(answer.headers()["set-cookie"] ?? "").not.toMatch(/session-token=[^;]+/);
    await expect(page.locator("main form").getByRole("alert")).toHaveText(ERROR_MESSAGES.SERVICE_UNAVAILABLE);
    expect((await context.cookies()).map((c) => c.name).filter((n) => n.includes("session-token"))).toEqual([]);
    // the server log says why, without the statement or its parameters (the attempt's hash, the address)
    // the line comes from the probe that confirms the outage: give a loaded machine time
    await expect.poll(() => logLinesFrom(baseURL!, logFrom).join("\n"), { timeout: 30_000 }).toMatch(/^database unavailable: /m);
    expect(logLinesFrom(baseURL!, logFrom).join("\n")).not.toMatch(/Failed query|params:|sms_challenges|127\.0\.0\.1/);
  } finally {
    await bringDatabaseBack(adminUrl, name);
  }

  await untilServing(context.request);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  await context.close();
});

test("during a database outage pages answer 503 with Retry-After and the plain sentence, routes the same as JSON, a server action the same in its form; once it is back pages work again and nothing was let through", async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new SignInPage(page).signIn(OWNER);
  const settings = new AccountSettingsPage(page);
  await page.goto(`/account-settings?q=${SEARCH}`);
  await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
  const requiredBefore = await settings.requirement().isChecked();

  const { adminUrl, name } = databaseOf(baseURL!);
  await takeDatabaseAway(adminUrl, name);
  try {
    // the request that finds the database gone may still fail in its render (500, the error page); once the breaker is open, 503
    await expect
      .poll(async () => {
        const answer = await context.request.get("/", { headers: HTML, maxRedirects: 0 });
        expect([500, 503]).toContain(answer.status());
        return answer.status();
      }, { timeout: 5_000 })
      .toBe(503);
    for (const path of ["/", `/account-settings?q=${SEARCH}`]) {
      const answer = await context.request.get(path, { headers: HTML, maxRedirects: 0 });
      expect(answer.status(), path).toBe(503);
      expect(answer.headers()["retry-after"], path).toMatch(/^[1-9]\d*$/);
      expect(answer.headers()["content-type"], path).toMatch(/^text\/html/);
      const body = await answer.text();
      expect(body, path).toContain(SENTENCE);
      expect(body, path).not.toContain(OWNER);
    }
    const shown = await context.newPage();
    expect((await shown.goto(`/account-settings?q=${SEARCH}`))?.status()).toBe(503);
    await expect(shown.getByText(SENTENCE)).toBeVisible();

    const api = await context.request.get("/api/auth/session", { headers: { accept: "application/json" } });
    expect(api.status()).toBe(503);
    expect(api.headers()["retry-after"]).toMatch(/^[1-9]\d*$/);
    expect(await api.json()).toEqual({ ok: false, error: SENTENCE });

    // a server action from the page loaded before the outage answers in its form
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("main form").getByRole("alert")).toHaveText(SENTENCE);
  } finally {
    await bringDatabaseBack(adminUrl, name);
  }

  await untilServing(context.request);
  await page.goto(`/account-settings?q=${SEARCH}`);
  await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
  await expect(settings.requirement()).toBeChecked({ checked: requiredBefore });
  await context.close();
});

test("a database outage is logged like one: the renders that find it gone and a burst of 50 requests leave a few lines, without statement, parameters, search string or ids", async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new SignInPage(page).signIn(OWNER);
  await page.goto(`/account-settings?q=${SEARCH}`);
  await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
  const { adminUrl, name } = databaseOf(baseURL!);
  const secrets = [...(await idsOf(adminUrl, name, OWNER)), OWNER, SEARCH];

  await untilPoolIdle(adminUrl, name);
  const logFrom = logSize(baseURL!);
  await takeDatabaseAway(adminUrl, name);
  try {
    // nothing has told the server yet: this render finds the database gone, and the page says the same sentence
    const first = await page.goto(`/account-settings?q=${SEARCH}`);
    expect.soft(first?.status()).toBe(500);
    await expect.soft(page.getByText(SENTENCE)).toBeVisible();
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) => context.request.get(i % 2 ? "/" : `/account-settings?q=${SEARCH}`, { headers: HTML, maxRedirects: 0 })),
    );
    for (const answer of burst) {
      expect([500, 503]).toContain(answer.status());
      expect(await answer.text()).not.toContain(OWNER);
    }
  } finally {
    await bringDatabaseBack(adminUrl, name);
  }
  await untilServing(context.request);

  await expect.poll(() => logLinesFrom(baseURL!, logFrom).join("\n")).toMatch(/^database available again after /m);
  const lines = logLinesFrom(baseURL!, logFrom);
  expect(lines[0]).toMatch(/^database unavailable: /);
  expect(lines.length, lines.join("\n")).toBeLessThanOrEqual(4);
  for (const line of lines) {
    expect(line).not.toMatch(/Failed query|params:/);
    for (const secret of secrets) expect(line).not.toContain(secret);
  }
  await context.close();
});
