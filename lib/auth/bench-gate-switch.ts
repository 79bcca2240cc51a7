// Benchmarks only (BENCH_PAGES=1): SIGUSR2 switches the middleware gate off and on again in a
// running server, so issue 6's item 1 compares the gate with no gate in one process, one heap and
// one JIT state. Only a local process that may signal the server can use it; the server-side
// checks (lib/auth/dal.ts) stay on either way. Edge-safe: it only reads a flag on globalThis.
const OFF = Symbol.for("connect-2fa.bench-gate-off");
type Flagged = typeof globalThis & { [OFF]?: boolean };

export function benchGateSwitchedOff(): boolean {
  return (globalThis as Flagged)[OFF] === true;
}

/** Installs the SIGUSR2 switch when BENCH_PAGES=1; returns whether it did. */
export function installBenchGateSwitch(env: Record<string, string | undefined> = process.env, target: NodeJS.Process = process): boolean {
  if (env.BENCH_PAGES !== "1") return false;
  target.on("SIGUSR2", () => {
    (globalThis as Flagged)[OFF] = !benchGateSwitchedOff();
  });
  return true;
}
