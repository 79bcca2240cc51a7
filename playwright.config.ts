import path from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_SECRETS } from "./tests/e2e/env";

const reportDir = process.env.TEST_REPORT_DIR;
const targets = [{ name: "pglite", port: 3100 }];
if (process.env.TEST_DATABASE_URL) targets.push({ name: "postgres", port: 3101 });

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // The flows change shared state (the organization's requirement): one test at a time per server.
  workers: 1,
  retries: 0,
  reporter: reportDir
    ? [["list"], ["json", { outputFile: path.join(reportDir, "playwright.json") }]]
    : [["list"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: targets.map((t) => ({ name: t.name, use: { baseURL: `http://localhost:${t.port}` } })),
  webServer: targets.map((t) => ({
    command: `node --import tsx tests/e2e/server.ts`,
    url: `http://localhost:${t.port}/sign-in`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    env: { ...E2E_SECRETS, E2E_DB: t.name, PORT: String(t.port), VONAGE_API_KEY: "", NEXT_TELEMETRY_DISABLED: "1" },
  })),
});
