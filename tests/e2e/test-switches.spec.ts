import fs from "node:fs";
import path from "node:path";
import { appRoutes, findTestSwitches, TEST_SWITCH_MARKS } from "../helpers/build-output";
import { expect, test } from "./fixtures";

// Issue 13, point 9: the e2e suite runs a test build (`npm run build:test`, CONNECT_TEST_BUILD=1),
// which keeps the switches a production build drops (tests/build/production-build.test.ts).

test("the build under test is a test build: its output carries the gate's switches and the bench's /bench/plain route", ({ distDir }) => {
  const found = findTestSwitches(distDir);
  for (const name of Object.keys(TEST_SWITCH_MARKS) as (keyof typeof TEST_SWITCH_MARKS)[]) {
    expect(found[name].length, `${name} (${TEST_SWITCH_MARKS[name]}) in ${distDir}`).toBeGreaterThan(0);
  }
  expect(appRoutes(distDir)).toContain("/bench/plain");
});

// Issue 17, item 3: the default build's middleware runs on the Node.js runtime; the edge build's
// (project pglite-edge) is an edge function, so its gate answering below is the edge runtime's.
test("the build's middleware runs on the runtime the project says: Node.js by default, the edge in the edge build", ({ distDir, edgeMiddleware }) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(distDir, "server", "middleware-manifest.json"), "utf8")) as { middleware: Record<string, unknown> };
  const functions = JSON.parse(fs.readFileSync(path.join(distDir, "server", "functions-config-manifest.json"), "utf8")) as {
    functions: Record<string, { runtime?: string }>;
  };
  expect(Boolean(manifest.middleware["/"]), `${distDir}/server/middleware-manifest.json names an edge middleware`).toBe(edgeMiddleware);
  expect(functions.functions["/_middleware"]?.runtime, `${distDir}/server/functions-config-manifest.json`).toBe(edgeMiddleware ? undefined : "nodejs");
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
