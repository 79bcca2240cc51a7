import path from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_OIDC, E2E_SECRETS, E2E_VONAGE } from "./tests/e2e/env";
import type { E2eOptions } from "./tests/e2e/fixtures";

const reportDir = process.env.TEST_REPORT_DIR;
// One production server and one fake Vonage SMS API per database.
// E2E_PORT_BASE moves every port, so two runs can share a machine.
const base = Number(process.env.E2E_PORT_BASE || 3100);
interface Target {
  name: string;
  db: "pglite" | "postgres";
  port: number;
  vonagePort: number;
  env?: Record<string, string>;
  testMatch?: RegExp;
  testIgnore?: RegExp;
  grepInvert?: RegExp;
}
// PostgreSQL only: a database the test can take away from the server (PGlite lives inside it).
const POSTGRES_ONLY = /database-outage\.spec\.ts/;
const postgres = Boolean(process.env.TEST_DATABASE_URL);
const targets: Target[] = [{ name: "pglite", db: "pglite", port: base, vonagePort: base + 90, testIgnore: POSTGRES_ONLY }];
// The other sign-in methods run on PostgreSQL with database sessions (below); JWTs on PostgreSQL are
// the integration tests' (next-auth-holds-every-sign-in.test.ts), which keeps CI's time down.
if (postgres) targets.push({ name: "postgres", db: "postgres", port: base + 1, vonagePort: base + 91, testIgnore: /sign-in-methods\.spec\.ts/ });
// The protected-route checks once more with the middleware switched off: the server holds alone.
// MIDDLEWARE_GATE exists only in test builds (`npm run build:test`); test-switches.spec.ts checks it.
targets.push({
  name: "pglite-no-middleware",
  db: "pglite",
  port: base + 2,
  vonagePort: base + 92,
  env: { MIDDLEWARE_GATE: "off" },
  testMatch: /(protected-routes|test-switches)\.spec\.ts/,
});
// Issue 16: database sessions (next-auth's adapter rows) instead of JWTs, on both databases, for the
// specs that start, judge and end sessions: the variant's own specs, not the whole suite again.
// The one session-end test that forges a JWT does not apply to a database session: the same rule (a
// row past its fixed 24 hours, its expiry slid) is tests/integration/database-sessions.test.ts's.
const databaseSessions = { env: { AUTH_SESSION_STRATEGY: "database" }, testMatch: /(sign-in-methods|portal|session-end)\.spec\.ts/, grepInvert: /its token's expiry/ };
targets.push({ name: "pglite-database-sessions", db: "pglite", port: base + 3, vonagePort: base + 93, ...databaseSessions });
if (postgres) targets.push({ name: "postgres-database-sessions", db: "postgres", port: base + 4, vonagePort: base + 94, ...databaseSessions });
// One OpenID provider for every server ("Sign in with SSO"), each server's callback registered.
const oidcPort = base + 80;

export default defineConfig<E2eOptions>({
  testDir: "tests/e2e",
  // Per port base, so two runs on one machine never delete each other's artifacts.
  outputDir: `test-results/e2e-${base}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // The flows change shared state (an organization's requirement): one test at a time per server.
  workers: 1,
  retries: 0,
  reporter: reportDir ? [["list"], ["json", { outputFile: path.join(reportDir, "playwright.json") }]] : [["list"]],
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
  projects: targets.map((t) => ({
    name: t.name,
    ...(t.testMatch ? { testMatch: t.testMatch } : {}),
    ...(t.testIgnore ? { testIgnore: t.testIgnore } : {}),
    ...(t.grepInvert ? { grepInvert: t.grepInvert } : {}),
    use: {
      baseURL: `http://localhost:${t.port}`,
      vonageUrl: `http://127.0.0.1:${t.vonagePort}`,
      middlewareGateOff: t.env?.MIDDLEWARE_GATE === "off",
      databaseSessions: t.env?.AUTH_SESSION_STRATEGY === "database",
    },
  })),
  webServer: [
    {
      command: [
        `node --import tsx tests/fakes/oidc-server.ts --port ${oidcPort} --client-id ${E2E_OIDC.clientId} --client-secret ${E2E_OIDC.clientSecret}`,
        ...targets.map((t) => `--redirect-uri http://localhost:${t.port}/api/auth/callback/oidc`),
        ...E2E_OIDC.users.map((u) => `--user '${u}'`),
      ].join(" "),
      url: `http://127.0.0.1:${oidcPort}/_fake/health`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    ...targets.flatMap((t) => [
    {
      command: `node --import tsx tests/fakes/vonage-server.ts --port ${t.vonagePort} --key ${E2E_VONAGE.key} --secret ${E2E_VONAGE.secret}`,
      url: `http://127.0.0.1:${t.vonagePort}/_fake/messages`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      command: `node --import tsx tests/e2e/server.ts`,
      url: `http://localhost:${t.port}/sign-in`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe" as const,
      env: {
        ...E2E_SECRETS,
        E2E_DB: t.db,
        PORT: String(t.port),
        APP_URL: `http://localhost:${t.port}`,
        VONAGE_API_KEY: E2E_VONAGE.key,
        VONAGE_API_SECRET: E2E_VONAGE.secret,
        VONAGE_SMS_FROM: "Connect",
        VONAGE_REST_HOST: `http://127.0.0.1:${t.vonagePort}`,
        VONAGE_TIMEOUT_MS: "3000",
        // Emails (password reset) go to the outbox, read by the tests at /dev/outbox.
        OUTBOX_ENABLED: "1",
        NEXT_TELEMETRY_DISABLED: "1",
        OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
        OIDC_CLIENT_ID: E2E_OIDC.clientId,
        OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
        ...t.env,
      },
    },
  ]),
  ],
});
