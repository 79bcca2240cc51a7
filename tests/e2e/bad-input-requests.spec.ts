import type { BrowserContext } from "@playwright/test";
import fc from "fast-check";
import { ERROR_MESSAGES } from "../../lib/errors";
import { expect, test } from "./fixtures";
import { AccountSettingsPage } from "./pages/account-settings-page";
import { captureAction, type CapturedAction } from "./pages/attacker-requests";
import { junkBody, organizationSnapshot, pendingCookieOfNobody } from "./pages/junk-input";
import { SignInPage } from "./pages/sign-in-page";

// Bad input in request bodies and headers (issue 13, point 6): the route handlers' bodies, bodies
// over a limit, and server actions with a forged X-Forwarded-Host. Nothing gets a 5xx; each gets a
// 400, 411 or 413 with a message and changes nothing. Signed in as the seeded owner of Acme.

const OWNER = "owner@example.com";
const VERIFY = "/api/two-factor/challenge/verify";
const TWENTY_MB = 20 * 1024 * 1024;
const refusal = (code: keyof typeof ERROR_MESSAGES) => ({ ok: false, error: ERROR_MESSAGES[code] });

let owner: BrowserContext;
let origin: string;

test.beforeAll(async ({ browser, baseURL }) => {
  origin = new URL(baseURL!).origin;
  owner = await browser.newContext({ baseURL });
  const page = await owner.newPage();
  await new SignInPage(page).signIn(OWNER);
  await page.close();
});

test.afterAll(async () => {
  await owner.close();
});

/** Posts a body streamed in chunks, with no Content-Length (chunked), as no browser form does. */
async function postStreamed(url: string, headers: Record<string, string>, totalBytes: number, chunk: Uint8Array = Buffer.alloc(64 * 1024, 0x61)) {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const part = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
      sent += part.length;
      controller.enqueue(new Uint8Array(part));
    },
  });
  const response = await fetch(url, { method: "POST", headers, body, duplex: "half", redirect: "manual" } as RequestInit);
  return { status: response.status, text: await response.text() };
}

test("junk in the route handlers' bodies never gets a 5xx, and changes nothing", async ({ playwright, baseURL }) => {
  const before = await organizationSnapshot(owner);
  const client = await playwright.request.newContext({ baseURL, maxRedirects: 0 });
  const pending = await pendingCookieOfNobody();
  // The route handlers, and two pages whose POSTs Next.js takes for server actions (the reset link's among them).
  const targets = [VERIFY, "/api/auth/session", "/api/auth/signout", "/api/auth/callback/credentials", `/password-reset/${"A".repeat(43)}`, "/sign-in"];
  for (const path of targets) {
    await fc.assert(
      fc.asyncProperty(junkBody, async ({ contentType, body, nextAction }) => {
        const headers: Record<string, string> = { origin, "content-type": contentType, ...(nextAction ? { "next-action": nextAction } : {}), ...(path === VERIFY ? { cookie: pending } : {}) };
        const answer = await client.post(path, { headers, data: body });
        expect(answer.status(), `${path} ${contentType} ${body.length} bytes: ${body.subarray(0, 120).toString("latin1")}`).toBeLessThan(500);
      }),
      { numRuns: 10 },
    );
  }
  await client.dispose();
  expect(await organizationSnapshot(owner)).toEqual(before);
});

test("a verify-route body over 16 KiB gets 413 with a message, whether its length is declared or streamed, and an unreadable one gets 400", async ({ playwright, baseURL }) => {
  const client = await playwright.request.newContext({ baseURL, maxRedirects: 0 });
  const headers = { origin, cookie: await pendingCookieOfNobody() };
  const form = { ...headers, "content-type": "application/x-www-form-urlencoded" };

  const declared = await client.post(VERIFY, { headers: form, data: Buffer.concat([Buffer.from("method=sms&code="), Buffer.alloc(TWENTY_MB, 0x31)]) });
  expect(declared.status()).toBe(413);
  expect(await declared.json()).toEqual(refusal("BODY_TOO_LARGE"));
  const streamed = await postStreamed(`${origin}${VERIFY}`, form, TWENTY_MB);
  expect(streamed.status).toBe(413);
  expect(JSON.parse(streamed.text)).toEqual(refusal("BODY_TOO_LARGE"));
  for (const [type, body] of [
    ["multipart/form-data; boundary=zz", "garbage"],
    ["multipart/form-data", "--zz\r\nContent-Disposition: form-data; name=\"method\"\r\n\r\nsms\r\n--zz--"],
    ["application/json", '{"method":"sms","code":"123456"}'],
  ]) {
    const unreadable = await client.post(VERIFY, { headers: { ...headers, "content-type": type! }, data: body });
    expect(unreadable.status(), type).toBe(400);
    expect(await unreadable.json(), type).toEqual(refusal("MALFORMED_BODY"));
  }
  // Control: a small form of the right kind is read, and answered about its fields (400: bad input).
  const small = await client.post(VERIFY, { headers, multipart: { method: "sms", code: "12345x" } });
  expect(small.status()).toBe(400);
  expect(await small.json()).toMatchObject({ ok: false, fieldErrors: { code: expect.any(String) } });
  await client.dispose();
});

test("next-auth's routes answer a callback URL they cannot read with 400 and a message (not 500), clearing a bad cookie, and a body over 16 KiB with 413", async ({ playwright, baseURL }) => {
  const client = await playwright.request.newContext({ baseURL, maxRedirects: 0 });
  for (const url of ["/api/auth/session?callbackUrl=abc", "/api/auth/csrf?callbackUrl=%00", "/api/auth/signin?callbackUrl=%C3%28", "/api/auth/error?callbackUrl=javascript%3Aalert(1)"]) {
    const answer = await client.get(url);
    expect(answer.status(), url).toBe(400);
    expect(await answer.json(), url).toEqual(refusal("INVALID_CALLBACK_URL"));
  }
  const withCookie = await client.get("/api/auth/session", { headers: { cookie: "authjs.callback-url=abc" } });
  expect(withCookie.status()).toBe(400);
  expect(await withCookie.json()).toEqual(refusal("INVALID_CALLBACK_URL"));
  expect(withCookie.headers()["set-cookie"]).toMatch(/^authjs\.callback-url=; Path=\/; Max-Age=0/);

  for (const [path, size] of [["/api/auth/signout", 20 * 1024], ["/api/auth/session", TWENTY_MB]] as const) {
    const big = await client.post(path, { headers: { origin, "content-type": "application/x-www-form-urlencoded" }, data: Buffer.alloc(size, 0x61) });
    expect(big.status(), path).toBe(413);
    expect(await big.json(), path).toEqual(refusal("BODY_TOO_LARGE"));
  }
  // Control: next-auth still answers what it can read.
  expect((await client.get("/api/auth/session?callbackUrl=%2Fsecurity")).status()).toBe(200);
  expect(await (await client.get("/api/auth/csrf")).json()).toMatchObject({ csrfToken: expect.any(String) });
  expect(await (await owner.request.get("/api/auth/session")).json()).toMatchObject({ user: { id: expect.any(String) } });
  await client.dispose();
});

/** The owner's "Save" of Account Settings with the requirement ticked, captured without reaching the server. */
async function captureRequireTwoFactor(): Promise<CapturedAction> {
  const page = await owner.newPage();
  const settings = new AccountSettingsPage(page);
  await settings.goto();
  await expect(settings.requirement()).not.toBeChecked();
  const captured = await captureAction(page, "require two-factor authentication", async () => {
    await settings.requirement().setChecked(true);
    await page.getByRole("button", { name: "Save" }).click();
  });
  await page.close();
  return captured;
}

test("a server action posted with a forged X-Forwarded-Host or from another origin gets 400 with a message and does not change the organization's setting; behind a proxy that sets X-Forwarded-Host it runs", async ({ browser, baseURL }) => {
  const save = await captureRequireTwoFactor();
  const host = new URL(baseURL!).host;
  const forgeries: Record<string, string>[] = [
    { origin, "x-forwarded-host": "evil.example" },
    { origin, "x-forwarded-host": `evil.example, ${host}` },
    { origin: "http://evil.example" },
    { origin: "http://evil.example", "x-forwarded-host": host },
    { origin: "null" },
  ];
  for (const forged of forgeries) {
    const answer = await owner.request.post(save.url, { headers: { ...save.headers, ...forged }, data: save.body, maxRedirects: 0 });
    expect(answer.status(), JSON.stringify(forged)).toBe(400);
    expect(await answer.json(), JSON.stringify(forged)).toEqual(refusal("CROSS_SITE"));
  }
  expect((await organizationSnapshot(owner)).required).toBe(false);

  // Control: a proxy in front (Host is its upstream, X-Forwarded-Host the public host the browser
  // used) passes the same check, here with the public reset-request action.
  const anonymous = await browser.newContext({ baseURL });
  const page = await anonymous.newPage();
  await page.goto("/password-reset");
  const request = await captureAction(page, "request a reset", async () => {
    await page.getByLabel("Email", { exact: true }).fill("nobody-bad-input@example.com");
    await page.getByRole("button", { name: "Send reset link" }).click();
  });
  const proxied = await anonymous.request.post(request.url, { headers: { ...request.headers, origin, host: "10.0.0.5:3000", "x-forwarded-host": host }, data: request.body, maxRedirects: 0 });
  expect(proxied.status()).toBe(200);
  expect(await proxied.text()).toContain("If an account exists for that email");
  await anonymous.close();
});

test("a server action body over 1 MB gets 413, one of no declared length 411, an unreadable one 400, arguments that are not a form the form's message, and none changes the organization's setting", async () => {
  const save = await captureRequireTwoFactor();
  const headers = { ...save.headers, origin };
  const padded = Buffer.concat([save.body, Buffer.alloc(1024 * 1024, 0x0a)]);
  const big = await owner.request.post(save.url, { headers, data: padded, maxRedirects: 0 });
  expect(big.status()).toBe(413);
  expect(await big.json()).toEqual(refusal("BODY_TOO_LARGE"));

  const cookie = (await owner.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const streamed = await postStreamed(save.url, { ...headers, cookie }, save.body.length, save.body);
  expect(streamed.status).toBe(411);
  expect(JSON.parse(streamed.text)).toEqual(refusal("LENGTH_REQUIRED"));

  for (const [type, body] of [
    ["multipart/form-data; boundary=not-the-boundary", save.body],
    [save.headers["content-type"]!, save.body.subarray(0, Math.floor(save.body.length / 2))],
    ["text/plain;charset=UTF-8", Buffer.from('[{"unterminated')],
  ] as const) {
    const unreadable = await owner.request.post(save.url, { headers: { ...headers, "content-type": type }, data: body, maxRedirects: 0 });
    expect(unreadable.status(), type).toBe(400);
    expect(await unreadable.json(), type).toEqual(refusal("MALFORMED_BODY"));
  }
  // Readable, but the action's argument is a string and a number, not the form it expects.
  const notAForm = await owner.request.post(save.url, { headers: { ...headers, "content-type": "text/plain;charset=UTF-8" }, data: '["\\u0000", 1e300]', maxRedirects: 0 });
  expect(notAForm.status()).toBe(200);
  expect(await notAForm.text()).toContain(ERROR_MESSAGES.INVALID_INPUT);
  expect((await organizationSnapshot(owner)).required).toBe(false);
});
