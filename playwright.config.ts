import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_OAUTH_APP, E2E_OIDC, E2E_SECRETS, E2E_VONAGE, TWO_INSTANCES_SMS_DAILY_CAP, twoInstancesPorts } from "./tests/e2e/env";
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
  /** The build's middleware runs on the edge runtime (NEXT_DIST_DIR names that build). */
  edgeMiddleware?: boolean;
}
// PostgreSQL only: a database the test can take away from the server (PGlite lives inside it).
const POSTGRES_ONLY = /database-outage\.spec\.ts/;
// Specs of one variant's own servers (below), never run on the others.
const VARIANT_ONLY = /two-instances\.spec\.ts/;
const postgres = Boolean(process.env.TEST_DATABASE_URL);
const targets: Target[] = [{ name: "pglite", db: "pglite", port: base, vonagePort: base + 90, testIgnore: either(POSTGRES_ONLY, VARIANT_ONLY) }];
// The other sign-in methods run on PostgreSQL with database sessions (below); JWTs on PostgreSQL are
// the integration tests' (next-auth-holds-every-sign-in.test.ts), which keeps CI's time down.
if (postgres) targets.push({ name: "postgres", db: "postgres", port: base + 1, vonagePort: base + 91, testIgnore: either(/sign-in-methods\.spec\.ts/, VARIANT_ONLY) });
// The protected-route checks once more with the middleware switched off: the server holds alone.
// MIDDLEWARE_GATE exists only in test builds (`npm run build:test`); test-switches.spec.ts checks it.
targets.push({
  name: "pglite-no-middleware",
  db: "pglite",
  port: base + 2,
  vonagePort: base + 92,
  env: { MIDDLEWARE_GATE: "off" },
  // Issue 18: the secure-methods policy holds on the server alone too.
  testMatch: /(protected-routes|test-switches|secure-methods-policy)\.spec\.ts/,
});
// Issue 16: database sessions (next-auth's adapter rows) instead of JWTs, on both databases, for the
// specs that start, judge and end sessions: the variant's own specs, not the whole suite again.
// The one session-end test that forges a JWT does not apply to a database session: the same rule (a
// row past its fixed 24 hours, its expiry slid) is tests/integration/database-sessions.test.ts's.
const databaseSessions = { env: { AUTH_SESSION_STRATEGY: "database" }, testMatch: /(sign-in-methods|portal|session-end)\.spec\.ts/, grepInvert: /its token's expiry/ };
targets.push({ name: "pglite-database-sessions", db: "pglite", port: base + 3, vonagePort: base + 93, ...databaseSessions });
if (postgres) targets.push({ name: "postgres-database-sessions", db: "postgres", port: base + 4, vonagePort: base + 94, ...databaseSessions });
// Issue 17: the gate and security specs on a build whose middleware runs on the edge runtime
// (`npm run build:test:edge`, scripts/build-edge.ts), when that build exists.
const EDGE_DIST_DIR = process.env.E2E_EDGE_DIST_DIR || ".next-edge";
if (fs.existsSync(path.join(EDGE_DIST_DIR, "BUILD_ID"))) {
  targets.push({
    name: "pglite-edge",
    db: "pglite",
    port: base + 8,
    vonagePort: base + 98,
    env: { NEXT_DIST_DIR: EDGE_DIST_DIR },
    edgeMiddleware: true,
    // The gate's own answer (test-switches) and the specs of skipping the second factor and of the cookies.
    testMatch: /(protected-routes|security|security-cookies|test-switches)\.spec\.ts/,
  });
}
// Issue 17: two `next start` instances of the same build on one PostgreSQL database, behind HAProxy
// (round robin, no stickiness), sharing one fake Vonage and the same secrets. The first instance
// makes, migrates and seeds the database; the second joins it (E2E_JOIN_PORT).
const twoInstances = postgres
  ? (({ apps, balancer, vonage }) => ({ ports: apps, balancerPort: balancer, vonagePort: vonage }))(twoInstancesPorts(base))
  : null;
// One OpenID provider for every server ("Sign in with SSO"), each server's callback registered.
const oidcPort = base + 80;
const appUrls = [...targets.map((t) => `http://localhost:${t.port}`), ...(twoInstances ? [`http://localhost:${twoInstances.balancerPort}`] : [])];

function either(...patterns: RegExp[]): RegExp {
  return new RegExp(patterns.map((p) => p.source).join("|"));
}

/** The environment of an app server: the same secrets for every one, its own port and fake Vonage. */
function appEnv(port: number, appUrl: string, vonagePort: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...E2E_SECRETS,
    PORT: String(port),
    APP_URL: appUrl,
    VONAGE_API_KEY: E2E_VONAGE.key,
    VONAGE_API_SECRET: E2E_VONAGE.secret,
    VONAGE_SMS_FROM: "Connect",
    VONAGE_REST_HOST: `http://127.0.0.1:${vonagePort}`,
    VONAGE_TIMEOUT_MS: "3000",
    // Emails (password reset) go to the outbox, read by the tests at /dev/outbox.
    OUTBOX_ENABLED: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
    OIDC_CLIENT_ID: E2E_OIDC.clientId,
    OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
    // The scripted mobile app (tests/e2e/mobile-app.spec.ts) is a registered first-party client.
    OAUTH_CLIENTS: JSON.stringify([E2E_OAUTH_APP]),
    ...extra,
  };
}

function vonageServer(port: number) {
  return {
    command: `node --import tsx tests/fakes/vonage-server.ts --port ${port} --key ${E2E_VONAGE.key} --secret ${E2E_VONAGE.secret}`,
    url: `http://127.0.0.1:${port}/_fake/messages`,
    timeout: 30_000,
    reuseExistingServer: false,
  };
}

function appServer(port: number, env: Record<string, string>) {
  return {
    command: `node --import tsx tests/e2e/server.ts`,
    url: `http://localhost:${port}/sign-in`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    env,
  };
}

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
  projects: [
    ...targets.map((t) => ({
      name: t.name,
      ...(t.testMatch ? { testMatch: t.testMatch } : {}),
      ...(t.testIgnore ? { testIgnore: t.testIgnore } : {}),
      ...(t.grepInvert ? { grepInvert: t.grepInvert } : {}),
      use: {
        baseURL: `http://localhost:${t.port}`,
        vonageUrl: `http://127.0.0.1:${t.vonagePort}`,
        middlewareGateOff: t.env?.MIDDLEWARE_GATE === "off",
        databaseSessions: t.env?.AUTH_SESSION_STRATEGY === "database",
        ...(t.env?.NEXT_DIST_DIR ? { distDir: t.env.NEXT_DIST_DIR } : {}),
        edgeMiddleware: t.edgeMiddleware ?? false,
      },
    })),
    ...(twoInstances
      ? [
          {
            name: "two-instances",
            testMatch: VARIANT_ONLY,
            use: { baseURL: `http://localhost:${twoInstances.balancerPort}`, vonageUrl: `http://127.0.0.1:${twoInstances.vonagePort}` },
          },
        ]
      : []),
  ],
  webServer: [
    {
      command: [
        `node --import tsx tests/fakes/oidc-server.ts --port ${oidcPort} --client-id ${E2E_OIDC.clientId} --client-secret ${E2E_OIDC.clientSecret}`,
        ...appUrls.map((url) => `--redirect-uri ${url}/api/auth/callback/oidc`),
        ...E2E_OIDC.users.map((u) => `--user '${u}'`),
      ].join(" "),
      url: `http://127.0.0.1:${oidcPort}/_fake/health`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    ...targets.flatMap((t) => [vonageServer(t.vonagePort), appServer(t.port, appEnv(t.port, `http://localhost:${t.port}`, t.vonagePort, { E2E_DB: t.db, ...t.env }))]),
    // Started in this order: the second instance joins the database the first has made.
    ...(twoInstances
      ? [
          vonageServer(twoInstances.vonagePort),
          ...twoInstances.ports.map((port, i) =>
            appServer(
              port,
              appEnv(port, `http://localhost:${twoInstances.balancerPort}`, twoInstances.vonagePort, {
                E2E_DB: "postgres",
                // Behind a proxy next-auth must be told the public origin: it builds its redirects (to the
                // continue step) from the URL next start gives a route, which names the instance's own port.
                AUTH_URL: `http://localhost:${twoInstances.balancerPort}`,
                SMS_DAILY_CAP: String(TWO_INSTANCES_SMS_DAILY_CAP),
                ...(i > 0 ? { E2E_JOIN_PORT: String(twoInstances.ports[0]) } : {}),
              }),
            ),
          ),
          {
            command: `node --import tsx tests/e2e/load-balancer.ts --port ${twoInstances.balancerPort} ${twoInstances.ports.map((port, i) => `--server app${i + 1}=127.0.0.1:${port}`).join(" ")}`,
            url: `http://localhost:${twoInstances.balancerPort}/sign-in`,
            timeout: 30_000,
            reuseExistingServer: false,
          },
        ]
      : []),
  ],
});
