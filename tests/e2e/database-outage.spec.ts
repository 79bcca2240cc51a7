import fs from "node:fs";
import { withAdminConnection } from "../../lib/db/admin";
import { ERROR_MESSAGES } from "../../lib/errors";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";
import { serverLogFile } from "./pages/fault-member";
import { ChallengePage, contextAtChallenge, SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// PostgreSQL only (playwright.config.ts): the server's database goes away for real in the middle of
// a sign-in. The challenge step must fail closed and keep the code for when it is back.
const EMAIL = E2E_USERS.databaseOutage;
const PHONE = "+14155553013";
const VERIFY = "/two-factor/challenge/verify";

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
    const failureLine = () => fs.readFileSync(serverLogFile(baseURL!), "utf8").split("\n").filter((line) => line.includes("two-factor verify failed")).at(-1) ?? "";
    await expect.poll(failureLine).toContain("database query failed:");
    expect(failureLine()).not.toMatch(/Failed query|params:|sms_challenges|127\.0\.0\.1/);
  } finally {
    await bringDatabaseBack(adminUrl, name);
  }

  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page.getByTestId("signed-in-email")).toHaveText(EMAIL);
  await context.close();
});
