import path from "node:path";
import { defineConfig } from "@playwright/test";
import { base, FAKES, ports } from "./tests/env";

// The host app's e2e: the fake Vonage SMS API, the fake OpenID provider, and two production servers
// of the test build (`HOST_APP_TEST_BUILD=1 next build`), each on a fresh database: one with the
// middleware, one with it switched off (the pages must refuse a pending sign-in alone).
// HOST_APP_PORT_BASE moves every port (6100-6199 by default).
const origin = (port: number) => `http://localhost:${port}`;
const OFF_TAG = /@middleware-off/;
const postgres = Boolean(process.env.TEST_DATABASE_URL);

function appServer(port: number, env: Record<string, string> = {}) {
  return {
    command: "node --import tsx tests/server.ts",
    url: `${origin(port)}/api/auth/providers`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    env: {
      PORT: String(port),
      APP_URL: origin(port),
      AUTH_SECRET: "host-app-e2e-auth-secret-0123456789abcdef",
      SESSION_PASSWORD: "host-app-e2e-session-password-0123456789",
      OIDC_ISSUER: `http://127.0.0.1:${ports.oidc}`,
      OIDC_CLIENT_ID: FAKES.oidc.clientId,
      OIDC_CLIENT_SECRET: FAKES.oidc.clientSecret,
      VONAGE_API_KEY: FAKES.vonage.key,
      VONAGE_API_SECRET: FAKES.vonage.secret,
      VONAGE_REST_HOST: FAKES.vonageUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
  };
}

export default defineConfig({
  testDir: "tests",
  outputDir: `test-results/e2e-${base}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // CI's summary (scripts/ci-summary.mjs) adds this report's counts to the portal's.
  reporter: process.env.TEST_REPORT_DIR ? [["list"], ["json", { outputFile: path.join(process.env.TEST_REPORT_DIR, "playwright-host-app.json") }]] : [["list"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "host-app", grepInvert: OFF_TAG, use: { baseURL: origin(ports.gate) } },
    { name: "host-app-no-middleware", grep: OFF_TAG, use: { baseURL: origin(ports.noGate) } },
    // The same flow with next-auth's JWT sessions (AUTH_SESSION_STRATEGY=jwt).
    { name: "host-app-jwt", grepInvert: OFF_TAG, use: { baseURL: origin(ports.jwt) } },
    // With PostgreSQL as the others' database, both strategies once more on PGlite.
    ...(postgres
      ? [
          { name: "host-app-pglite", grepInvert: OFF_TAG, use: { baseURL: origin(ports.pglite) } },
          { name: "host-app-jwt-pglite", grepInvert: OFF_TAG, use: { baseURL: origin(ports.jwtPglite) } },
        ]
      : []),
  ],
  webServer: [
    {
      command: `node --import tsx ../../tests/fakes/vonage-server.ts --port ${ports.vonage} --key ${FAKES.vonage.key} --secret ${FAKES.vonage.secret}`,
      url: `${FAKES.vonageUrl}/_fake/messages`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      command: [
        `node --import tsx ../../tests/fakes/oidc-server.ts --port ${ports.oidc}`,
        `--client-id ${FAKES.oidc.clientId} --client-secret ${FAKES.oidc.clientSecret}`,
        [ports.gate, ports.noGate, ports.jwt, ports.pglite, ports.jwtPglite].map((port) => `--redirect-uri ${origin(port)}/api/auth/callback/oidc`).join(" "),
        "--user ada@example.test:Ada:true",
      ].join(" "),
      url: `http://127.0.0.1:${ports.oidc}/_fake/health`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    appServer(ports.gate),
    appServer(ports.noGate, { MIDDLEWARE_GATE: "off" }),
    appServer(ports.jwt, { AUTH_SESSION_STRATEGY: "jwt" }),
    ...(postgres ? [appServer(ports.pglite, { HOST_APP_DB: "pglite" }), appServer(ports.jwtPglite, { AUTH_SESSION_STRATEGY: "jwt", HOST_APP_DB: "pglite" })] : []),
  ],
});
