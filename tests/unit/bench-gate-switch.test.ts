import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { benchGateSwitchedOff, installBenchGateSwitch } from "@/lib/auth/bench-gate-switch";

const fakeProcess = () => new EventEmitter() as unknown as NodeJS.Process;

describe("the benchmark's gate switch (SIGUSR2, BENCH_PAGES=1 only)", () => {
  it("is not installed without BENCH_PAGES=1: the signal changes nothing", () => {
    for (const env of [{}, { BENCH_PAGES: "0" }, { BENCH_PAGES: "true" }, { BENCH_PAGES: "" }]) {
      const p = fakeProcess();
      expect(installBenchGateSwitch(env, p)).toBe(false);
      expect(p.listenerCount("SIGUSR2")).toBe(0);
    }
    expect(benchGateSwitchedOff()).toBe(false);
  });

  it("with BENCH_PAGES=1 each SIGUSR2 switches the gate off, then on again", () => {
    const p = fakeProcess();
    expect(installBenchGateSwitch({ BENCH_PAGES: "1" }, p)).toBe(true);
    expect(benchGateSwitchedOff()).toBe(false);
    p.emit("SIGUSR2");
    expect(benchGateSwitchedOff()).toBe(true);
    p.emit("SIGUSR2");
    expect(benchGateSwitchedOff()).toBe(false);
  });
});
