// Whether the middleware gate is switched off: a flag on globalThis, which only the test switches
// set (lib/auth/gate-test-switches.ts, loaded in test and bench builds only). Edge-safe.
const OFF = Symbol.for("connect-2fa.gate-off");
type Flagged = typeof globalThis & { [OFF]?: boolean };

export function gateSwitchedOff(): boolean {
  return (globalThis as Flagged)[OFF] === true;
}

export function switchGateOff(off: boolean): void {
  (globalThis as Flagged)[OFF] = off;
}
