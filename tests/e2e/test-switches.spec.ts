import { appRoutes, findTestSwitches, TEST_SWITCH_MARKS } from "../helpers/build-output";
import { expect, test } from "./fixtures";

// Issue 13, point 9: the e2e suite runs a test build (`npm run build:test`, CONNECT_TEST_BUILD=1),
// which keeps the switches a production build drops (tests/build/production-build.test.ts).

const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";

test("the build under test is a test build: its output carries the gate's switches and the bench's /bench/plain route", () => {
  const found = findTestSwitches(DIST_DIR);
  for (const name of Object.keys(TEST_SWITCH_MARKS) as (keyof typeof TEST_SWITCH_MARKS)[]) {
    expect(found[name].length, `${name} (${TEST_SWITCH_MARKS[name]}) in ${DIST_DIR}`).toBeGreaterThan(0);
  }
  expect(appRoutes(DIST_DIR)).toContain("/bench/plain");
});

test("the middleware gate answers an anonymous visitor, except on the server started with MIDDLEWARE_GATE=off, where the page's own check does", async ({
  request,
  baseURL,
  middlewareGateOff,
}) => {
  const response = await request.get("/account-settings", { maxRedirects: 0 });
  expect(response.status()).toBe(307);
  // The gate keeps the address asked for; the page's server-side check sends to sign-in alone.
  const location = new URL(response.headers().location!, baseURL);
  expect(`${location.pathname}${location.search}`).toBe(middlewareGateOff ? "/sign-in" : "/sign-in?callbackUrl=%2Faccount-settings");
});
