import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { gateSwitchedOff, switchGateOff } from "@/lib/auth/gate-off-flag";
import { installGateTestSwitches } from "@/lib/auth/gate-test-switches";

// The switches of test and bench builds (a production build never loads them:
// tests/build/production-build.test.ts).

const fakeProcess = () => new EventEmitter() as unknown as NodeJS.Process;

afterEach(() => switchGateOff(false));

describe("the middleware gate's test switches", () => {
  it("MIDDLEWARE_GATE=off at start switches the gate off; any other value leaves it on", () => {
    expect(installGateTestSwitches({ MIDDLEWARE_GATE: "off" }, fakeProcess()).gateOff).toBe(true);
    expect(gateSwitchedOff()).toBe(true);
    for (const env of [{}, { MIDDLEWARE_GATE: "on" }, { MIDDLEWARE_GATE: "OFF" }, { MIDDLEWARE_GATE: "" }]) {
      expect(installGateTestSwitches(env, fakeProcess()).gateOff).toBe(false);
      expect(gateSwitchedOff()).toBe(false);
    }
  });

  it("without BENCH_PAGES=1 no signal switch is installed: SIGUSR2 changes nothing", () => {
    for (const env of [{}, { BENCH_PAGES: "0" }, { BENCH_PAGES: "true" }, { BENCH_PAGES: "" }]) {
      const p = fakeProcess();
      expect(installGateTestSwitches(env, p).signalSwitch).toBe(false);
      expect(p.listenerCount("SIGUSR2")).toBe(0);
    }
    expect(gateSwitchedOff()).toBe(false);
  });

  it("with BENCH_PAGES=1 each SIGUSR2 switches the gate off, then on again", () => {
    const p = fakeProcess();
    expect(installGateTestSwitches({ BENCH_PAGES: "1" }, p).signalSwitch).toBe(true);
    expect(gateSwitchedOff()).toBe(false);
    p.emit("SIGUSR2");
    expect(gateSwitchedOff()).toBe(true);
    p.emit("SIGUSR2");
    expect(gateSwitchedOff()).toBe(false);
  });
});
