import { withAdminConnection } from "../../lib/db/admin";
import { messagesTo } from "../fakes/vonage-client";
import { E2E_OAUTH_APP, E2E_PASSWORD, TWO_INSTANCES_SMS_DAILY_CAP, twoInstancesPorts } from "./env";
import { expect, test } from "./fixtures";
import { atOnce, BalancedClient, expectBothInstances, otherThan, recordPageServers, servedBy, startsSession } from "./pages/balanced-client";
import { NativeApp } from "./mobile-app/native-app";
import { AppSignInPage } from "./pages/app-sign-in-page";
import { newestLinkFor } from "./pages/outbox-page";
import { SignInPage } from "./pages/sign-in-page";
import { ChallengePage, codeFromFake, SetupPage } from "./pages/two-factor-pages";
import { E2E_INSTANCE_USERS as USERS } from "./seed";

// Issue 17, item 1 (project two-instances, PostgreSQL only): two `next start` instances of the same
// build on one database, behind HAProxy's round robin (tests/e2e/load-balancer.ts). Consecutive
// requests alternate between them; each test checks from X-Served-By that both instances answered,
// and that every limit and single-use guarantee holds whichever instance counts or asks.

const VERIFY = "challenge/verify";
const RESEND = "challenge/resend";
let served: string[] = [];

test.beforeEach(() => {
  served = [];
});

test.afterEach(() => {
  expectBothInstances(served, "answers of this test");
});

const open = (baseURL: string, headers: Record<string, string> = {}) => BalancedClient.open(baseURL, served, headers);

/** A wrong six-digit code: not the one texted. */
const wrongCode = (code: string, n = 0) => String((Number(code) + 1 + n) % 1_000_000).padStart(6, "0");

/**
 * Round robin: once a request was answered by one instance, the next goes to the other. Asks for a
 * static file until the last answer came from the instance before `server` (the tests assert where
 * the next request went; this only makes it likely).
 */
async function untilNextGoesTo(client: BalancedClient, server: string) {
  for (let i = 0; i < 3; i++) if (servedBy(await client.get("/robots.txt")) === otherThan(server)) return;
}

/** Asks until both instances have answered (at most 4 requests); every answer must pass `check`. */
async function askBoth<T>(ask: () => Promise<{ server: string } & T>, check: (answer: T) => void) {
  const servers = new Set<string>();
  for (let i = 0; i < 4 && servers.size < 2; i++) {
    const answer = await ask();
    check(answer);
    servers.add(answer.server);
  }
  expectBothInstances(servers, "refusals");
}

test("a sign-in begun on one instance completes on the other; the resend interval holds on both; its SMS code then works nowhere", async ({ browser, baseURL, vonageUrl }) => {
  const { email, phone } = USERS.handOff;
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  recordPageServers(page, served);
  const password = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in");
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit(email);
  const begunOn = servedBy(await password);
  await new ChallengePage(page).expectShown();
  const code = await codeFromFake(vonageUrl, phone);
  await page.waitForLoadState("networkidle");
  const pending = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

  // The resend interval: the sign-in's code was just texted, so neither instance texts another.
  const client = await open(baseURL!, { cookie: pending });
  await askBoth(() => client.step(RESEND), ({ json }) => expect(json.error).toMatch(/^Please wait .* before asking for another code\.$/));
  expect(await messagesTo(vonageUrl, phone)).toHaveLength(1);

  await untilNextGoesTo(client, otherThan(begunOn));
  const verified = await page.request.post(`/api/two-factor/${VERIFY}`, {
    headers: { origin: new URL(baseURL!).origin, accept: "application/json" },
    form: { method: "sms", code },
  });
  expect(servedBy(verified), "the instance that completed the sign-in").toBe(otherThan(begunOn));
  expect(await verified.json()).toMatchObject({ ok: true });
  await page.goto("/");
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);

  // Single use: the same code with the same pending sign-in, on either instance, opens nothing.
  await askBoth(
    () => client.step(VERIFY, { method: "sms", code }),
    ({ json, response }) => {
      expect(json.ok).toBe(false);
      expect(startsSession(response)).toBe(false);
    },
  );
  await client.dispose();
  await context.close();
});

test("an SMS code sent to both instances at once signs in once", async ({ baseURL, vonageUrl }) => {
  const { email, phone } = USERS.smsOnce;
  const client = await open(baseURL!);
  expect((await client.signIn(email)).landed).toMatch(/\/two-factor\/challenge/);
  const code = await codeFromFake(vonageUrl, phone);
  const answers = await atOnce(baseURL!, served, 4, await client.cookieHeader(), (c) =>
    c.post(`/api/two-factor/${VERIFY}`, { method: "sms", code }),
  );
  expectBothInstances(answers.map(servedBy), "answers to the same code");
  expect(answers.filter(startsSession)).toHaveLength(1);
  await client.dispose();
});

test("tries per code: the five wrong tries are counted across both instances, then the right code works on neither", async ({ baseURL, vonageUrl }) => {
  const { email, phone } = USERS.tries;
  const client = await open(baseURL!);
  await client.signIn(email);
  const code = await codeFromFake(vonageUrl, phone);
  const expected = ["4 tries left", "3 tries left", "2 tries left", "1 try left", "can no longer be used"];
  const servers: string[] = [];
  for (const [i, left] of expected.entries()) {
    const { json, server } = await client.step(VERIFY, { method: "sms", code: wrongCode(code, i) });
    expect(json.fieldErrors?.code, `wrong try ${i + 1} on ${server}`).toContain(left);
    servers.push(server);
  }
  expectBothInstances(servers, "wrong tries");
  await askBoth(
    () => client.step(VERIFY, { method: "sms", code }),
    ({ json, response }) => {
      expect(json.ok).toBe(false);
      expect(startsSession(response)).toBe(false);
    },
  );
  await client.dispose();
});

test("the lockout: ten wrong codes on alternating instances lock the second factor on both", async ({ baseURL, vonageUrl }) => {
  const { email, phone } = USERS.lockout;
  const client = await open(baseURL!);
  await client.signIn(email);
  const code = await codeFromFake(vonageUrl, phone);
  const servers: string[] = [];
  for (let i = 1; i <= 10; i++) {
    const { json, server } = await client.step(VERIFY, { method: "backup", backupCode: `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, "0")}` });
    servers.push(server);
    if (i < 10) expect(json.fieldErrors?.backupCode, `wrong backup code ${i} on ${server}`).toContain(`${10 - i} ${10 - i === 1 ? "try" : "tries"} left before`);
    else expect(json.lockedUntil, `the tenth wrong code, on ${server}`).toBeTruthy();
  }
  expectBothInstances(servers, "wrong codes");
  await askBoth(() => client.step(VERIFY, { method: "sms", code }), ({ json }) => expect(json.error).toMatch(/^Too many wrong codes/));
  await askBoth(() => client.step(RESEND), ({ json }) => expect(json.error).toMatch(/^Too many wrong codes/));
  await client.dispose();
});

/** Signs in over HTTP `times` times; each sign-in texts a code at once. Returns the instances that texted them. */
async function signInTimes(baseURL: string, email: string, times: number) {
  const servers: string[] = [];
  for (let i = 0; i < times; i++) {
    const client = await open(baseURL);
    servers.push((await client.signIn(email)).server);
    await client.dispose();
  }
  return servers;
}

test("codes per account (5 an hour) and per phone (10 a day) are counted across both instances", async ({ baseURL, vonageUrl }) => {
  const phone = USERS.perPhoneA.phone;
  expectBothInstances(await signInTimes(baseURL!, USERS.perPhoneA.email, 5), "sign-ins that texted a code");
  expect(await messagesTo(vonageUrl, phone)).toHaveLength(5);

  const sixth = await open(baseURL!);
  await sixth.signIn(USERS.perPhoneA.email);
  await askBoth(() => sixth.step(RESEND), ({ json }) => expect(json.error).toMatch(/^Too many codes were sent to this account in the last hour\./));
  expect(await messagesTo(vonageUrl, phone)).toHaveLength(5);

  // Another account on the same phone: its five codes make the phone's ten.
  expectBothInstances(await signInTimes(baseURL!, USERS.perPhoneB.email, 5), "sign-ins that texted a code");
  expect(await messagesTo(vonageUrl, phone)).toHaveLength(10);
  const third = await open(baseURL!);
  await third.signIn(USERS.perPhoneC.email);
  await askBoth(() => third.step(RESEND), ({ json }) => expect(json.error).toMatch(/^Too many codes were sent to this phone number today\./));
  expect(await messagesTo(vonageUrl, phone)).toHaveLength(10);
  await Promise.all([sixth.dispose(), third.dispose()]);
});

/** The database both instances use (tests/e2e/server.ts names it after the first instance's port). */
function sharedDatabaseUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/c2fa_e2e_${twoInstancesPorts().apps[0]}`;
  return url.toString();
}

test("the daily SMS cap of the installation is counted across both instances", async ({ baseURL, vonageUrl }) => {
  const { email, phone } = USERS.dailyCap;
  // The day's count is brought to two below the cap (SMS_DAILY_CAP of the two-instances servers) with
  // rows of another user and phone, as earlier sends would leave; they go again at the end.
  await withAdminConnection(sharedDatabaseUrl(), async (db) => {
    const { rows } = await db.query<{ n: string }>("select count(*) as n from sms_challenges where created_at > now() - interval '1 day'");
    const fill = TWO_INSTANCES_SMS_DAILY_CAP - 2 - Number(rows[0]!.n);
    expect(fill, "room below the cap").toBeGreaterThan(0);
    await db.query(
      `insert into sms_challenges (id, user_id, purpose, attempt_hash, phone_e164, code_hmac, created_at, expires_at, voided_at)
       select gen_random_uuid()::text, u.id, 'sign_in', 'e2e-daily-cap-filler', '+14155550000', 'filler', now(), now(), now()
       from users u, generate_series(1, $1) where u.email = $2`,
      [fill, USERS.direct.email],
    );
  });
  try {
    expectBothInstances(await signInTimes(baseURL!, email, 2), "sign-ins that texted the last two codes");
    expect(await messagesTo(vonageUrl, phone)).toHaveLength(2);
    const client = await open(baseURL!);
    await client.signIn(email);
    await askBoth(() => client.step(RESEND), ({ json }) => expect(json.error).toMatch(/^We cannot send more text messages today\./));
    expect(await messagesTo(vonageUrl, phone)).toHaveLength(2);
    await client.dispose();
  } finally {
    await withAdminConnection(sharedDatabaseUrl(), (db) => db.query("delete from sms_challenges where attempt_hash = 'e2e-daily-cap-filler'"));
  }
});

const refusedPassword = (location: string) => /\/sign-in\?.*code=credentials/.test(location);
const rateLimited = (location: string) => /\/sign-in\?.*code=rate_limited/.test(location);

test("sign-in rate limits: 10 failed passwords per account and 50 per client IP, counted across both instances", async ({ baseURL }) => {
  // Per account: ten wrong passwords, then even the right one is paused, on either instance.
  const client = await open(baseURL!);
  const failures: string[] = [];
  for (let i = 0; i < 10; i++) {
    const { location, server } = await client.postPassword(USERS.signInLimit.email, `wrong password ${i}`);
    expect(refusedPassword(location), `wrong password ${i + 1} on ${server}: ${location}`).toBe(true);
    failures.push(server);
  }
  expectBothInstances(failures, "counted failures");
  await askBoth(() => client.postPassword(USERS.signInLimit.email), ({ location }) => expect(rateLimited(location), location).toBe(true));

  // Per client IP (the address the load balancer passes on): fifty failures on fifty accounts.
  const address = { "x-forwarded-for": "198.51.100.17" };
  const fromIp = await open(baseURL!, address);
  const ipFailures: string[] = [];
  for (let i = 0; i < 50; i++) {
    const { location, server } = await fromIp.postPassword(`nobody-${i}@example.com`, "wrong password");
    expect(refusedPassword(location), `failure ${i + 1} from the address, on ${server}: ${location}`).toBe(true);
    ipFailures.push(server);
  }
  expectBothInstances(ipFailures, "counted failures");
  await askBoth(() => fromIp.postPassword(USERS.direct.email), ({ location }) => expect(rateLimited(location), location).toBe(true));
  // Control: the same account from another address signs in.
  const elsewhere = await open(baseURL!, { "x-forwarded-for": "198.51.100.18" });
  expect((await elsewhere.postPassword(USERS.direct.email)).location).toMatch(/\/sign-in\/continue\?ticket=/);
  await Promise.all([client.dispose(), fromIp.dispose(), elsewhere.dispose()]);
});

test("a backup code sent to both instances at once signs in once, and is refused afterwards on both", async ({ browser, baseURL, vonageUrl }) => {
  const { email, phone } = USERS.backupOnce;
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  recordPageServers(page, served);
  await new SignInPage(page).signIn(email);
  const { backupCodes } = await new SetupPage(page).enrollOnSecurityPage(vonageUrl, phone);
  await context.close();
  const backupCode = backupCodes[0]!;

  const client = await open(baseURL!);
  expect((await client.signIn(email)).landed).toMatch(/\/two-factor\/challenge/);
  const answers = await atOnce(baseURL!, served, 4, await client.cookieHeader(), (c) =>
    c.post(`/api/two-factor/${VERIFY}`, { method: "backup", backupCode }),
  );
  expectBothInstances(answers.map(servedBy), "answers to the same backup code");
  expect(answers.filter(startsSession)).toHaveLength(1);

  const again = await open(baseURL!);
  await again.signIn(email);
  await askBoth(
    () => again.step(VERIFY, { method: "backup", backupCode }),
    ({ json, response }) => {
      expect(json.fieldErrors?.backupCode).toMatch(/^That backup code is not right or was already used\./);
      expect(startsSession(response)).toBe(false);
    },
  );
  await Promise.all([client.dispose(), again.dispose()]);
});

test("a password reset link works once: used through one instance, it is refused by both", async ({ browser, baseURL }) => {
  const { email } = USERS.reset;
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  recordPageServers(page, served);
  await page.goto("/password-reset");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account exists for that email");
  const link = await newestLinkFor(page, email, /https?:\/\/[^\s]+\/password-reset\/[A-Za-z0-9_-]+/);

  const submit = async (password: string) => {
    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill(password);
    await page.getByLabel("Confirm new password").fill(password);
    const posted = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/password-reset/"));
    await page.getByRole("button", { name: "Change password" }).click();
    return servedBy(await posted);
  };
  await submit("two instances new password 1");
  await expect(page.getByRole("status")).toHaveText("Your password has been changed. Sign in with your new password.");
  const refusedBy = new Set<string>();
  for (let i = 0; i < 4 && refusedBy.size < 2; i++) {
    refusedBy.add(await submit(`two instances new password ${i + 2}`));
    await expect(page.getByRole("alert").filter({ hasText: "expired or was already used" })).toBeVisible();
  }
  expectBothInstances(refusedBy, "refusals of the used link");
  // The first new password is the one in force.
  const client = await open(baseURL!);
  expect((await client.postPassword(email, "two instances new password 1")).location).toMatch(/\/sign-in\/continue\?ticket=/);
  expect(refusedPassword((await client.postPassword(email, E2E_PASSWORD)).location)).toBe(true);
  await client.dispose();
  await context.close();
});

test("a sign-in ticket redeemed on both instances at once starts one session", async ({ baseURL }) => {
  const client = await open(baseURL!);
  const { location } = await client.postPassword(USERS.direct.email);
  expect(location).toMatch(/\/api\/two-factor\/sign-in\/continue\?ticket=/);
  const answers = await atOnce(baseURL!, served, 4, "", (c) => c.get(location));
  expectBothInstances(answers.map(servedBy), "answers to the same ticket");
  expect(answers.filter(startsSession)).toHaveLength(1);
  for (const answer of answers.filter((a) => !startsSession(a))) expect(answer.headers().location).toMatch(/\/sign-in\?expired=1/);
  await client.dispose();
});

test("the pending sign-in's setup ends in one session: its finish sent to both instances at once starts one", async ({ baseURL, vonageUrl }) => {
  const { email, phone } = USERS.setup;
  const client = await open(baseURL!);
  expect((await client.signIn(email)).landed).toMatch(/\/two-factor\/setup/);
  expect((await client.step("setup/send", { phone })).json).toMatchObject({ ok: true });
  const verified = await client.step("setup/verify", { code: await codeFromFake(vonageUrl, phone) });
  expect(verified.json.backupCodes).toHaveLength(10);
  const answers = await atOnce(baseURL!, served, 4, await client.cookieHeader(), (c) => c.post("/api/two-factor/setup/finish", { stored: "on" }));
  expectBothInstances(answers.map(servedBy), "answers to the same finish");
  expect(answers.filter(startsSession)).toHaveLength(1);
  await client.dispose();
});

test("a native app's sign-in, code exchange, refreshes and API calls hold across both instances (one signing key, one store), and a reused refresh token revokes the family on either", async ({ browser, baseURL, vonageUrl }) => {
  const { email, phone } = USERS.app;
  const app = await NativeApp.install(baseURL!, E2E_OAUTH_APP.clientId);
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  recordPageServers(page, served);
  await app.signInThroughBrowser(page, async (browserPage) => {
    await new SignInPage(browserPage).submit(email);
    const challenge = new ChallengePage(browserPage);
    await challenge.expectShown();
    await challenge.verifySms(await codeFromFake(vonageUrl, phone), { trust: false });
    const step = new AppSignInPage(browserPage);
    await step.expectReady(E2E_OAUTH_APP.name, email);
    await step.continue();
  });
  expect(app.accessTokenClaims().amr).toEqual(expect.arrayContaining(["pwd", "sms"]));

  const token = async (form: Record<string, string>) => {
    const response = await fetch(`${baseURL}/oauth/token`, { method: "POST", body: new URLSearchParams({ client_id: E2E_OAUTH_APP.clientId, ...form }) });
    served.push(servedByHeader(response));
    return { status: response.status, body: (await response.json()) as { access_token?: string; refresh_token?: string; error?: string } };
  };
  const spent: string[] = [];
  let refreshToken = app.tokens!.refreshToken;
  const tokenServers = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const answer = await token({ grant_type: "refresh_token", refresh_token: refreshToken });
    tokenServers.add(served.at(-1)!);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    spent.push(refreshToken);
    refreshToken = answer.body.refresh_token!;
    const me = await fetch(`${baseURL}/api/v1/me`, { headers: { authorization: `Bearer ${answer.body.access_token}` } });
    served.push(servedByHeader(me));
    tokenServers.add(served.at(-1)!);
    expect(me.status).toBe(200);
  }
  expectBothInstances(tokenServers, "token and API answers");
  // A spent refresh token, sent to whichever instance: refused, and the newest one with it.
  expect(await token({ grant_type: "refresh_token", refresh_token: spent[0]! })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  expect(await token({ grant_type: "refresh_token", refresh_token: refreshToken })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  await context.close();
});

function servedByHeader(response: Response): string {
  const server = response.headers.get("x-served-by");
  expect(server).toMatch(/^app[12]$/);
  return server!;
}
