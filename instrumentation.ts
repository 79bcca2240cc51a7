/**
 * Runs once when a server instance starts, including a plain `next start` or a serverless cold
 * start where `npm start` is not used: production refuses to run without proper secrets.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { refuseToRunWithoutSecrets } = await import("./lib/config/startup-check");
    refuseToRunWithoutSecrets();
    // Test and bench builds only: next.config.mjs inlines the constant, so a production build
    // drops this branch and never loads the module.
    if (process.env.CONNECT_TEST_BUILD === "1") {
      const { installGateTestSwitches } = await import("./lib/auth/gate-test-switches");
      installGateTestSwitches();
    }
    const { routeConsoleDatabaseErrors } = await import("./lib/db/outage");
    routeConsoleDatabaseErrors();
  }
}

/**
 * Next.js calls this for an error thrown by a page, route handler or server action (after printing
 * it): a database failure is said through the one place (lib/db/outage.ts), once per burst.
 */
export async function onRequestError(error: unknown) {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { reportDatabaseFailure } = await import("./lib/db/outage");
  reportDatabaseFailure(error);
}
