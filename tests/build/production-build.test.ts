import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { appRoutes, buildForProduction, findTestSwitches, ROOT, TEST_SWITCH_MARKS } from "../helpers/build-output";

// Issue 13, point 9: the switches of the tests and the bench exist only in builds made for them
// (CONNECT_TEST_BUILD=1). This makes the build `npm run build` makes, into a directory of its own
// (the e2e build in .next is left alone), and reads every file of its output.

const DIST_DIR = ".next-production-check";
const LOG = path.join(ROOT, ".test-data", "production-build.log");

beforeAll(async () => {
  fs.mkdirSync(path.dirname(LOG), { recursive: true });
  const code = await buildForProduction(DIST_DIR, LOG);
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}); its output is in ${LOG}`);
}, 900_000);

describe("a production build (npm run build) holds none of the test switches", () => {
  it("no file of its output (server chunks, middleware and instrumentation bundles, source maps, manifests) names MIDDLEWARE_GATE, SIGUSR2, BENCH_PAGES or /bench/plain", () => {
    const none = Object.fromEntries(Object.keys(TEST_SWITCH_MARKS).map((name) => [name, []]));
    expect(findTestSwitches(DIST_DIR)).toEqual(none);
  });

  it("has no /bench/plain route, and the portal's own routes are there", () => {
    const routes = appRoutes(DIST_DIR);
    expect(routes).toContain("/sign-in");
    expect(routes.filter((route) => route.startsWith("/bench"))).toEqual([]);
  });
});
