// Prints the one closing line CI reads: "N passed, M failed", summed over vitest and Playwright.
// Usage: node scripts/ci-summary.mjs REPORT_DIR EXIT_STATUS
import fs from "node:fs";
import path from "node:path";

const [dir, statusArg] = process.argv.slice(2);
const status = Number(statusArg ?? 0);
let passed = 0;
let failed = 0;
const seen = [];

function read(name) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return null;
  seen.push(name);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

const vitest = read("vitest.json");
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += (vitest.numFailedTests ?? 0) + (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
}
const playwright = read("playwright.json");
// The second app's e2e (examples/host-app), run after the portal's.
const hostApp = read("playwright-host-app.json");
for (const report of [playwright, hostApp]) {
  if (!report) continue;
  passed += report.stats?.expected ?? 0;
  failed += (report.stats?.unexpected ?? 0) + (report.stats?.flaky ?? 0) + (report.stats?.skipped ?? 0);
}
// A suite that did not run (type errors, a build failure) must not look green.
if (status !== 0 && failed === 0) failed = 1;
if (!vitest || !playwright || !hostApp) console.error(`ci-summary: reports found: ${seen.join(", ") || "none"}`);
console.log(`${passed} passed, ${failed} failed`);
