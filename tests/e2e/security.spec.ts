import { withAdminConnection } from "../../lib/db/admin";
import fs from "node:fs";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { fakeVonageMessages } from "../fakes/vonage-client";
import { E2E_PASSWORD } from "./env";
import { expect, test } from "./fixtures";
import { captureAction } from "./pages/attacker-requests";
import {
  afterPassword,
  completeWithBackupCode,
  ensureFaultMemberEnrolled,
  FAULT,
  rawClient,
  readState,
  serverLogFile,
  signedInContext,
} from "./pages/fault-member";
import { openOutboxWith } from "./pages/outbox-page";
import { ChallengePage } from "./pages/two-factor-pages";

// Requests an attacker crafts (issue 4, items 2, 6 and 10): claims sent by the client, hidden
// form fields, cross-origin posts, return paths; and, last, whether any secret of the whole run
// reached the server log or the audit rows. This file sorts after every other security spec,
// so its last test sees what they did too.

test.beforeEach(async ({ browser, baseURL, vonageUrl }) => {
  await ensureFaultMemberEnrolled(browser, baseURL!, vonageUrl);
});

const EVIL = "http://evil.example";

interface SessionJson {
  user?: { id?: string; email?: string };
  amr?: string[];
  authTime?: number;
}

async function sessionOf(context: BrowserContext): Promise<SessionJson | null> {
  return (await (await context.request.get("/api/auth/session")).json()) as SessionJson | null;
}

test("claims a client sends through next-auth's session update() (amr, userId, user) change nothing the server decides", async ({
  browser,
  baseURL,
}) => {
  // The enrolling browser's session: password only, no second factor, so changing the phone
  // asks to confirm it first.
  const context = await signedInContext(browser, baseURL!, { shared: true });
  const before = await sessionOf(context);
  expect(before?.user?.id).toBe(readState(baseURL!).userId);
  expect(before?.amr).toEqual(["pwd"]);
  const page = await context.newPage();
  await page.goto("/security/phone");
  await expect(page).toHaveURL(/\/confirm\?next=%2Fsecurity%2Fphone/);

  const { csrfToken } = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const claims = {
    amr: ["pwd", "sms"],
    userId: "00000000-0000-0000-0000-000000000001",
    sub: "00000000-0000-0000-0000-000000000001",
    user: { id: "00000000-0000-0000-0000-000000000001", email: "owner@example.com" },
    authTime: Date.now(),
    verified: true,
  };
  for (const body of [{ csrfToken, data: claims }, { csrfToken, ...claims }]) {
    const update = await context.request.post("/api/auth/session", { data: body, headers: { "content-type": "application/json" } });
    // next-auth took the update (valid CSRF token) and answered with the session, unchanged.
    expect(update.status()).toBe(200);
    expect(((await update.json()) as SessionJson | null)?.amr).toEqual(before?.amr);
    const after = await sessionOf(context);
    expect(after?.user?.id).toBe(before?.user?.id);
    expect(after?.user?.email).not.toBe("owner@example.com");
    expect(after?.amr).toEqual(before?.amr);
    expect(after?.authTime).toBe(before?.authTime);
  }
  // What the server shows and decides is unchanged: the same user, and still no recent second factor.
  await page.goto("/");
  await expect(page.getByTestId("signed-in-email")).toHaveText(FAULT.email);
  await page.goto("/security/phone");
  await expect(page).toHaveURL(/\/confirm\?next=%2Fsecurity%2Fphone/);
  await context.close();
});

async function addHiddenFields(page: Page, formSelector: string, fields: Record<string, string>) {
  await page.locator(formSelector).first().evaluate((form, extra) => {
    for (const [name, value] of Object.entries(extra)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
  }, fields);
}

test("hidden fields added to the sign-in and challenge forms (userId, amr, verified, stage, ticket) change nothing", async ({
  browser,
  baseURL,
  vonageUrl,
}) => {
  const state = readState(baseURL!);
  const claims = {
    userId: state.userId ?? "",
    amr: "sms",
    verified: "true",
    stage: "done",
    ticket: "forged-ticket",
    trustDevice: "on",
    returnTo: "/security",
  };
  // The password form with the claims: still the challenge, no session.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await addHiddenFields(page, "main form", claims);
  await page.getByLabel("Email", { exact: true }).fill(FAULT.email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  expect(await afterPassword(page)).toBe("challenge");
  expect((await context.cookies()).filter((c) => c.name.includes("session-token"))).toEqual([]);

  // The challenge form with the claims and a wrong code: refused, no session.
  const latest = (await fakeVonageMessages(vonageUrl)).map((m) => /(?<!\d)\d{6}(?!\d)/.exec(m.text)?.[0]);
  const wrong = ["000000", "111111", "222222"].find((c) => !latest.includes(c))!;
  await addHiddenFields(page, "form:has(input[name=code])", claims);
  const challenge = new ChallengePage(page);
  await challenge.verifySms(wrong, { trust: false });
  await expect(challenge.fieldError("code")).toHaveText(/not right|expired or was replaced/);
  await expect(page).toHaveURL(/\/two-factor\/challenge/);
  expect((await context.cookies()).filter((c) => c.name.includes("session-token") || c.name.includes("c2fa-device"))).toEqual([]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/(two-factor|sign-in)/);
  await context.close();
});

test("a server action posted cross-origin (Origin: http://evil.example) is refused and changes nothing", async ({ browser, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const context = await signedInContext(browser, baseURL!);
  const page = await context.newPage();
  await page.goto("/");
  const signOut = await captureAction(page, "sign out", () => page.getByRole("button", { name: "Sign out" }).click());

  // Sign-out forced on a victim from another site (logout CSRF), with their cookies.
  for (const forged of [EVIL, "null", `${origin}.evil.example`]) {
    const answer = await context.request.post(signOut.url, {
      headers: { ...signOut.headers, origin: forged },
      data: signOut.body,
      maxRedirects: 0,
    });
    expect(answer.status(), `Origin: ${forged}`).toBeGreaterThanOrEqual(400);
    expect(answer.headers()["x-action-redirect"], `Origin: ${forged}`).toBeUndefined();
    expect(answer.headers()["set-cookie"] ?? "", `Origin: ${forged}`).not.toMatch(/session-token=;|c2fa-pending=;/);
  }
  // A route handler: next-auth's sign-out without its CSRF token, from the other site.
  await context.request.post("/api/auth/signout", {
    headers: { origin: EVIL, "content-type": "application/x-www-form-urlencoded" },
    data: "callbackUrl=%2F",
    maxRedirects: 0,
  });
  await page.goto("/");
  await expect(page.getByTestId("signed-in-email")).toHaveText(FAULT.email);
  expect((await sessionOf(context))?.user?.id).toBe(readState(baseURL!).userId);

  // Signing in from the other site (login CSRF): the password step is refused, no cookie is set.
  const anonymous = await browser.newContext({ baseURL });
  const signInPage = await anonymous.newPage();
  await signInPage.goto("/sign-in");
  const signIn = await captureAction(signInPage, "sign in", async () => {
    await signInPage.getByLabel("Email", { exact: true }).fill(FAULT.email);
    await signInPage.getByLabel("Password").fill(E2E_PASSWORD);
    await signInPage.getByRole("button", { name: "Sign in", exact: true }).click();
  });
  await anonymous.close();
  const client = await rawClient(baseURL!);
  const forgedSignIn = await client.post(signIn.url, { headers: { ...signIn.headers, origin: EVIL }, data: signIn.body });
  expect(forgedSignIn.status()).toBeGreaterThanOrEqual(400);
  expect(forgedSignIn.headers()["set-cookie"] ?? "").not.toMatch(/c2fa-pending=[^;]+|session-token=[^;]+/);

  // Control: the same captured sign-out from the portal's own origin does sign out.
  const genuine = await context.request.post(signOut.url, { headers: { ...signOut.headers, origin }, data: signOut.body, maxRedirects: 0 });
  expect(genuine.headers()["x-action-redirect"]).toMatch(/\/sign-in/);
  expect(await sessionOf(context)).toBeNull();
  await client.dispose();
  await context.close();
});

/** Signs in with this callbackUrl (already encoded for the query) and tells where the browser went. */
async function signInWithReturnPath(browser: Browser, baseURL: string, rawQueryValue: string, { viaChallenge = false } = {}) {
  const context = await browser.newContext({ baseURL });
  const device = readState(baseURL).deviceCookie;
  if (device && !viaChallenge) await context.addCookies([device]);
  const page = await context.newPage();
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).hostname !== "localhost") foreign.push(request.url());
  });
  await page.goto(`/sign-in?callbackUrl=${rawQueryValue}`);
  await page.getByLabel("Email", { exact: true }).fill(FAULT.email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  if ((await afterPassword(page)) === "challenge") await completeWithBackupCode(page, baseURL, false);
  await page.waitForLoadState("load");
  const result = { url: page.url(), foreign, signedIn: (await sessionOf(context))?.user?.id === readState(baseURL).userId };
  await context.close();
  return result;
}

// As they stand in the query string of /sign-in.
const EVIL_RETURN_PATHS = [
  "//evil.example",
  "%2F%2Fevil.example",
  "https://evil.example",
  "https%3A%2F%2Fevil.example%2Fphish",
  "/%5Cevil.example",
  "%2F%5Cevil.example",
  "%5C%5Cevil.example",
  "/%5C/evil.example",
  "///evil.example",
  "%2F%2F%2Fevil.example",
  "https:evil.example",
  "http%3Aevil.example",
  "%09//evil.example",
  "/%09/evil.example",
  "/%0D%0A/evil.example",
  "%20//evil.example",
  "//evil.example%2F..",
  "%252F%252Fevil.example",
  "javascript:alert(document.domain)",
  "java%0Ascript:alert(1)",
  "data:text/html,hello",
  "http://localhost@evil.example",
  "//localhost@evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil%E3%80%82example",
];

test("a return path to another site, in any spelling, never leaves the origin after sign-in", async ({ browser, baseURL }) => {
  // A device cookie of this run, so each sign-in needs only the password.
  if (!readState(baseURL!).deviceCookie) await (await signedInContext(browser, baseURL!)).close();
  const origin = new URL(baseURL!).origin;
  for (const value of EVIL_RETURN_PATHS) {
    const landed = await signInWithReturnPath(browser, baseURL!, value);
    expect(new URL(landed.url).origin, `callbackUrl=${value} landed on ${landed.url}`).toBe(origin);
    expect(landed.foreign, `callbackUrl=${value}: requests to other hosts`).toEqual([]);
    expect(landed.signedIn, `callbackUrl=${value}: signed in`).toBe(true);
  }
});

test("a return path to another site never leaves the origin after the second factor, the middleware's own return path, or the confirmation pages", async ({
  browser,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  // Through the challenge: the return path rides in the pending sign-in.
  const viaChallenge = await signInWithReturnPath(browser, baseURL!, "%2F%2Fevil.example", { viaChallenge: true });
  expect(new URL(viaChallenge.url).origin).toBe(origin);
  expect(viaChallenge.foreign).toEqual([]);
  expect(viaChallenge.signedIn).toBe(true);

  // The middleware (or the page) builds the return path from the address asked for.
  const anonymous = await browser.newContext({ baseURL });
  const page = await anonymous.newPage();
  await page.goto(`${origin}//evil.example/phish`);
  if (/\/sign-in/.test(page.url())) {
    await page.getByLabel("Email", { exact: true }).fill(FAULT.email);
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForLoadState("load");
  }
  expect(new URL(page.url()).origin).toBe(origin);
  await anonymous.close();

  // Signed-in pages that take a `next`: the link and the hidden field stay on the origin.
  const context = await signedInContext(browser, baseURL!);
  const signedIn = await context.newPage();
  await signedIn.goto("/sign-in?callbackUrl=%2F%2Fevil.example");
  expect(new URL(signedIn.url()).origin).toBe(origin);
  await signedIn.goto("/two-step-enabled?next=%2F%2Fevil.example");
  await expect(signedIn.getByRole("link", { name: "Continue to the portal" })).toHaveAttribute("href", "/");
  await signedIn.goto("/confirm?next=https%3A%2F%2Fevil.example");
  await expect(signedIn.locator("input[name=next]").first()).toHaveValue("/");
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// Last: secrets stay secret. Everything the run sent or showed is looked for in the server log
// (teed by tests/e2e/server.ts) and, on PostgreSQL, in the audit rows. PGlite's single-process
// database cannot be opened while the server holds it, so the PGlite projects search the log only.

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function findSecrets(haystack: string, secrets: { kind: string; value: string; pattern: RegExp }[]) {
  return secrets.filter((s) => s.pattern.test(haystack)).map((s) => `${s.kind} ${s.value}`);
}

test("no SMS code, backup code, reset or device token, or full phone number of the run appears in the server log or the audit rows", async ({
  browser,
  baseURL,
  vonageUrl,
}, testInfo) => {
  // A password reset request, so the run has a reset token for certain (the link is only emailed).
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/password-reset");
  await page.getByLabel("Email", { exact: true }).fill(FAULT.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account exists for that email");

  // The emails of the run, as the dev outbox (the e2e email transport) stored them, once the
  // reset email is among them.
  await openOutboxWith(page, "Change your Connect password");
  const rows = page.locator("tbody tr").filter({ has: page.getByTestId("outbox-body") });
  const emails: { to: string; subject: string; body: string }[] = [];
  for (const row of await rows.all()) {
    const cells = row.locator("td");
    if ((await cells.nth(1).textContent()) !== "Email") continue;
    emails.push({
      to: (await row.getByTestId("outbox-recipient").textContent())!.trim(),
      subject: (await cells.nth(3).textContent())!,
      body: (await row.getByTestId("outbox-body").textContent())!,
    });
  }
  await context.close();

  const sms = await fakeVonageMessages(vonageUrl);
  const codes = [...new Set(sms.map((m) => /(?<!\d)\d{6}(?!\d)/.exec(m.text)?.[0]).filter((c): c is string => Boolean(c)))];
  const phones = [...new Set([...sms.map((m) => m.to.replace(/\D/g, "")), FAULT.phone.replace(/\D/g, "")])];
  const state = readState(baseURL!);
  const backupCodes = [...state.backupCodes, ...state.peerBackupCodes];
  const resetTokens = [...new Set(emails.flatMap((e) => [...e.body.matchAll(/\/password-reset\/([A-Za-z0-9_-]{16,})/g)].map((m) => m[1]!)))];
  const deviceTokens = state.deviceCookie ? [state.deviceCookie.value] : [];
  expect(codes.length, "SMS codes texted in this run").toBeGreaterThan(0);
  expect(backupCodes.length, "backup codes shown in this run").toBeGreaterThanOrEqual(10);
  expect(resetTokens.length, "reset links emailed in this run").toBeGreaterThan(0);

  const secrets = [
    ...codes.map((value) => ({ kind: "SMS code", value, pattern: new RegExp(`(?<!\\d)${value}(?!\\d)`) })),
    ...phones.map((value) => ({ kind: "phone number", value, pattern: new RegExp(`(?<!\\d)\\+?${value}(?!\\d)`) })),
    ...backupCodes.flatMap((value) => [
      { kind: "backup code", value, pattern: new RegExp(escape(value), "i") },
      { kind: "backup code", value, pattern: new RegExp(`(?<![0-9A-Z])${escape(value.replace(/-/g, ""))}(?![0-9A-Z])`, "i") },
    ]),
    ...resetTokens.map((value) => ({ kind: "reset token", value, pattern: new RegExp(escape(value)) })),
    ...deviceTokens.map((value) => ({ kind: "trusted-device token", value, pattern: new RegExp(escape(value)) })),
  ];

  // The server log. The dev outbox prints each email it stores (that is its job: with SMTP_URL set
  // nothing is printed); those exact prints are taken out, and nothing else may hold a secret.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const logFile = serverLogFile(baseURL!);
  expect(fs.existsSync(logFile), `${logFile} (teed by tests/e2e/server.ts)`).toBe(true);
  let log = fs.readFileSync(logFile, "utf8");
  expect(log.length).toBeGreaterThan(0);
  for (const email of emails) log = log.split(`[outbox] Email to ${email.to} "${email.subject}": ${email.body}`).join("[outbox email]");
  // A stack frame's source position ("chunk.js:1:134357") is not the server saying anything: a
  // six-digit column number once matched a random code of the run. Positions are taken out.
  log = log.replace(/(\.(?:js|mjs|cjs|ts|tsx)):\d+:\d+/g, "$1:<line>:<column>");
  expect(findSecrets(log, secrets), `secrets in ${logFile}`).toEqual([]);
  // What was taken out is only the outbox's own prints: no reset link is left anywhere else.
  expect(log).not.toMatch(/\/password-reset\/[A-Za-z0-9_-]{16,}/);

  // The audit rows, on PostgreSQL (database c2fa_e2e_<port> of tests/e2e/server.ts).
  if (testInfo.project.name === "postgres" && process.env.TEST_DATABASE_URL) {
    const url = new URL(process.env.TEST_DATABASE_URL);
    url.pathname = `/c2fa_e2e_${new URL(baseURL!).port}`;
    await withAdminConnection(url.toString(), async (client) => {
      const audit = (await client.query<{ row: string }>("select row_to_json(a)::text as row from audit_events a")).rows;
      expect(audit.length, "audit rows of the run").toBeGreaterThan(10);
      const text = audit.map((r) => r.row).join("\n");
      expect(text).toContain("two_factor.code_sent");
      expect(findSecrets(text, secrets), "secrets in audit_events").toEqual([]);
    });
  } else {
    testInfo.annotations.push({ type: "note", description: "PGlite: audit rows not searched (the server holds the database); the log was." });
  }
});
