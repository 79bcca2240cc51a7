import fc from "fast-check";
import type { BrowserContext, Page } from "@playwright/test";
import { hostileSpelling, LISTED_SPELLINGS } from "../helpers/return-path-spellings";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";
import { SetupPage } from "./pages/two-factor-pages";
import { E2E_USERS } from "./seed";

// Issue 13, point 3: every page that takes a return path from the address (the sign-in page
// visited while signed in, /two-step-enabled, /confirm) keeps the browser on the portal, for the
// written-out spellings and a fixed sample of generated ones (a fixed seed: the same each run).
// The unit properties (tests/unit/return-path.test.ts) run thousands more against the function.

// Each test walks ~75 addresses: more time than one page's worth, no timed assertion.
test.describe.configure({ timeout: 180_000 });

const MEMBER = "member@example.com";
const GENERATED = fc.sample(hostileSpelling, { seed: 13, numRuns: 24 });
/** Each value as it stands in the query string: encoded, and the written-out ones also raw. */
const QUERY_VALUES = [
  ...LISTED_SPELLINGS.map((s) => s.replace(/[\t\n\r #&+]/g, encodeURIComponent)),
  ...[...LISTED_SPELLINGS, ...GENERATED].map(encodeURIComponent),
];

/** Requests for any host but the portal's are recorded and aborted (no DNS, no waiting). */
async function recordForeignRequests(context: BrowserContext, portal: string): Promise<string[]> {
  const foreign: string[] = [];
  const host = new URL(portal).host;
  await context.route(
    (url) => url.host !== host,
    (route) => {
      foreign.push(route.request().url());
      return route.abort();
    },
  );
  return foreign;
}

async function signedInMember(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await new SignInPage(page).signIn(MEMBER);
  return page;
}

function expectOnPortal(href: string | null, page: Page, portal: string, what: string) {
  expect(href, what).not.toBeNull();
  expect(new URL(href!, page.url()).origin, `${what}: ${href}`).toBe(new URL(portal).origin);
}

test("a signed-in user sent to /sign-in with any callbackUrl is redirected only within the portal", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const foreign = await recordForeignRequests(context, baseURL!);
  const page = await signedInMember(context);
  for (const value of QUERY_VALUES) {
    await page.goto(`/sign-in?callbackUrl=${value}`).catch(() => null);
    expectOnPortal(page.url(), page, baseURL!, `callbackUrl=${value} landed on`);
    expect(foreign, `callbackUrl=${value}: requests to other hosts`).toEqual([]);
  }
  await context.close();
});

test("/two-step-enabled with any next renders its link within the portal, and following it stays there", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const foreign = await recordForeignRequests(context, baseURL!);
  const page = await signedInMember(context);
  const link = page.getByRole("link", { name: "Continue to the portal" });
  for (const value of QUERY_VALUES) {
    await page.goto(`/two-step-enabled?next=${value}`);
    expectOnPortal(await link.getAttribute("href"), page, baseURL!, `next=${value}: the link`);
  }
  // The issue's own spelling, followed.
  await page.goto("/two-step-enabled?next=/..//evil.example/x");
  await link.click();
  await page.waitForLoadState("load");
  expectOnPortal(page.url(), page, baseURL!, "following the link landed on");
  expect(foreign).toEqual([]);
  await context.close();
});

test("/confirm with any next carries a return path within the portal in its forms", async ({ browser, baseURL, vonageUrl }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new SignInPage(page).signIn(E2E_USERS.returnPathsConfirmer);
  // With no second factor /confirm offers only a link to set one up: this member sets one up first.
  await new SetupPage(page).enrollOnSecurityPage(vonageUrl, "+14155551490");
  const fields = page.locator("input[name=next]");
  for (const value of QUERY_VALUES) {
    await page.goto(`/confirm?next=${value}`);
    await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
    const values = await fields.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(values.length, `next=${value}: the forms' return path`).toBeGreaterThan(0);
    for (const field of values) expectOnPortal(field, page, baseURL!, `next=${value}: the form's return path`);
  }
  await context.close();
});
