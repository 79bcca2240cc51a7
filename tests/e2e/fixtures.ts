import { test as base } from "@playwright/test";

export interface E2eOptions {
  /** The fake Vonage SMS API of this project's server. */
  vonageUrl: string;
  /** Whether this project's server was started with its middleware gate switched off. */
  middlewareGateOff: boolean;
  /** Whether this project's server keeps database sessions (AUTH_SESSION_STRATEGY=database). */
  databaseSessions: boolean;
  /** The build directory this project's server runs (NEXT_DIST_DIR). */
  distDir: string;
  /** Whether that build's middleware runs on the edge runtime (`npm run build:test:edge`). */
  edgeMiddleware: boolean;
}

export const test = base.extend<E2eOptions>({
  vonageUrl: ["http://127.0.0.1:3190", { option: true }],
  middlewareGateOff: [false, { option: true }],
  databaseSessions: [false, { option: true }],
  distDir: [process.env.NEXT_DIST_DIR || ".next", { option: true }],
  edgeMiddleware: [false, { option: true }],
});

export { expect } from "@playwright/test";
