/**
 * Runs once when a server instance starts, including a plain `next start` or a serverless cold
 * start where `npm start` is not used: production refuses to run without proper secrets.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { refuseToRunWithoutSecrets } = await import("./lib/config/startup-check");
    refuseToRunWithoutSecrets();
    const { installBenchGateSwitch } = await import("./lib/auth/bench-gate-switch");
    installBenchGateSwitch();
  }
}
