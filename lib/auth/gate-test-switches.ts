import { gateSwitchedOff, switchGateOff } from "./gate-off-flag";

// Test and bench builds only: instrumentation.ts loads this module behind the build-time constant
// CONNECT_TEST_BUILD (next.config.mjs), so a production build holds none of it
// (tests/build/production-build.test.ts). Both switches leave the server-side checks
// (lib/auth/dal.ts) on: MIDDLEWARE_GATE=off shows they hold alone (e2e project
// pglite-no-middleware), and with BENCH_PAGES=1 each SIGUSR2 turns the gate of a running server off
// or on, so issue 6's item 1 compares gate and no gate in one process, one heap and one JIT state.

/** At server start: MIDDLEWARE_GATE=off switches the gate off; BENCH_PAGES=1 installs the signal. */
export function installGateTestSwitches(
  env: Record<string, string | undefined> = process.env,
  target: NodeJS.Process = process,
): { gateOff: boolean; signalSwitch: boolean } {
  switchGateOff(env.MIDDLEWARE_GATE === "off");
  const signalSwitch = env.BENCH_PAGES === "1";
  if (signalSwitch) target.on("SIGUSR2", () => switchGateOff(!gateSwitchedOff()));
  return { gateOff: gateSwitchedOff(), signalSwitch };
}
