import type { BrowserContext } from "@playwright/test";
import fc from "fast-check";
import { ERROR_MESSAGES } from "../../lib/errors";
import { expect, test } from "./fixtures";
import { junkQuery, organizationSnapshot, rawText } from "./pages/junk-input";
import { SignInPage } from "./pages/sign-in-page";

// Bad input in what a URL carries (issue 13, point 6): the admin pages' query parameters and the
// reset link's path. Nothing gets a 5xx; a page answers 200 and says which parameter it left out,
// a reset token that was never issued is a 404, a broken %-escape a 400. Signed in as the seeded
// owner of Acme.

const OWNER = "owner@example.com";
const RUNS = { numRuns: 40 };

let owner: BrowserContext;

test.beforeAll(async ({ browser, baseURL }) => {
  owner = await browser.newContext({ baseURL });
  const page = await owner.newPage();
  await new SignInPage(page).signIn(OWNER);
  await page.close();
});

test.afterAll(async () => {
  await owner.close();
});

test("bad input in the admin pages' query never gets a 5xx, and changes nothing", async () => {
  const before = await organizationSnapshot(owner);
  const pages = [
    { path: "/account-settings", names: ["q", "after", "before", "page"], heading: "Members" },
    { path: "/account-settings/activity", names: ["member", "type", "page"], heading: "Activity log" },
  ];
  for (const { path, names, heading } of pages) {
    await fc.assert(
      fc.asyncProperty(junkQuery(names), async (query) => {
        const answer = await owner.request.get(path + query, { maxRedirects: 0 });
        const body = await answer.text();
        expect(answer.status(), `${path}${query.slice(0, 200)}`).toBeLessThan(500);
        // A URL too long for the server's header limit is refused before the page (431).
        if (answer.status() !== 431) {
          expect(answer.status(), `${path}${query.slice(0, 200)}`).toBe(200);
          expect(body).toContain(heading);
        }
      }),
      RUNS,
    );
  }
  expect(await organizationSnapshot(owner)).toEqual(before);
});

test("a NUL byte, invalid UTF-8, an over-long value or an out-of-range page in the members table's and activity log's parameters gets the page (200) with a message naming what was left out", async () => {
  const page = await owner.newPage();
  const cases: [string, keyof typeof ERROR_MESSAGES][] = [
    ["/account-settings?q=%00", "INVALID_SEARCH"],
    ["/account-settings?q=own%00er", "INVALID_SEARCH"],
    ["/account-settings?q=%C3%28", "INVALID_SEARCH"],
    ["/account-settings?q=%ED%A0%80", "INVALID_SEARCH"],
    [`/account-settings?q=${"a".repeat(101)}`, "INVALID_SEARCH"],
    ["/account-settings?after=%00", "INVALID_PAGE_LINK"],
    ["/account-settings?before=a%01b", "INVALID_PAGE_LINK"],
    ["/account-settings?after=a%40example.com&before=b%40example.com", "INVALID_PAGE_LINK"],
    ["/account-settings/activity?member=%00", "INVALID_MEMBER_FILTER"],
    ["/account-settings/activity?member=owner%40example.com%C3%28", "INVALID_MEMBER_FILTER"],
    ["/account-settings/activity?type=%00", "INVALID_EVENT_FILTER"],
    ["/account-settings/activity?type=sign_in", "INVALID_EVENT_FILTER"],
    ["/account-settings/activity?page=1e300", "INVALID_PAGE_LINK"],
    ["/account-settings/activity?page=-1", "INVALID_PAGE_LINK"],
    ["/account-settings/activity?page=99999999999999999999", "INVALID_PAGE_LINK"],
  ];
  for (const [url, code] of cases) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(200);
    await expect(page.getByRole("alert").filter({ hasText: ERROR_MESSAGES[code] }), url).toBeVisible();
    // the members table, or the activity log's list of sentences
    await expect(url.includes("/activity") ? page.getByRole("list", { name: "Activity, newest first" }) : page.getByRole("table"), url).toBeVisible();
  }
  // The first page of every member, as without the parameter: the owner is listed.
  await page.goto("/account-settings?q=%00");
  await expect(page.getByTestId("member-row").filter({ hasText: OWNER })).toBeVisible();
  await expect(page.getByLabel("Search members by name or email")).toHaveValue("");
  // Control: a valid search shows no message.
  await page.goto("/account-settings?q=owner");
  await expect(page.getByTestId("member-row").filter({ hasText: OWNER })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: /not valid/ })).toHaveCount(0);
  await page.close();
});

test("junk in the reset link's path never gets a 5xx", async ({ playwright, baseURL }) => {
  const client = await playwright.request.newContext({ baseURL, maxRedirects: 0 });
  await fc.assert(
    fc.asyncProperty(rawText, async (token) => {
      const answer = await client.get(`/password-reset/${token}`);
      expect(answer.status(), token.slice(0, 200)).toBeLessThan(500);
    }),
    RUNS,
  );
  await client.dispose();
});

test("a malformed reset token in the path gets 404 'This link is not valid', and a broken %-escape in any path gets 400 with its message", async ({ page, playwright, baseURL }) => {
  for (const token of ["%00", "short", `${"A".repeat(42)}%00`, `${"A".repeat(44)}`, "a%0Ab", "..%2F..%2Fsign-in"]) {
    const response = await page.goto(`/password-reset/${token}`);
    expect(response?.status(), token).toBe(404);
    await expect(page.getByRole("heading", { name: "This link is not valid" }), token).toBeVisible();
    await expect(page.getByRole("link", { name: "Submit a change of password request" })).toBeVisible();
    await expect(page.getByLabel("New password", { exact: true })).toHaveCount(0);
  }
  // Control: a token of the issued shape (unknown, so refused only when used) gets the form.
  expect((await page.goto(`/password-reset/${"A".repeat(43)}`))?.status()).toBe(200);
  await expect(page.getByLabel("New password", { exact: true })).toBeVisible();

  const client = await playwright.request.newContext({ baseURL, maxRedirects: 0 });
  for (const path of ["/password-reset/%C3%28", "/password-reset/%ED%A0%80", "/password-reset/%", "/password-reset/%E0%A4.png", "/api/auth/%FF", "/sign-in/%C3%28"]) {
    const answer = await client.get(path);
    expect(answer.status(), path).toBe(400);
    expect(await answer.json(), path).toEqual({ ok: false, error: ERROR_MESSAGES.INVALID_ADDRESS });
  }
  await client.dispose();
});
