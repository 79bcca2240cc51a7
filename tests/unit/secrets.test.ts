import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { secretProblems } from "@/lib/config/secrets";

const good = { AUTH_SECRET: "a".repeat(32), SESSION_PASSWORD: "b".repeat(40) };

describe("secrets", () => {
  it("names each missing or short variable", () => {
    expect(secretProblems({})).toEqual([
      expect.stringContaining("AUTH_SECRET is not set"),
      expect.stringContaining("SESSION_PASSWORD is not set"),
    ]);
    expect(secretProblems({ ...good, SESSION_PASSWORD: "short" })).toEqual([
      expect.stringContaining("SESSION_PASSWORD is too short"),
    ]);
    expect(secretProblems(good)).toEqual([]);
  });

  it("refuses one secret used for both purposes", () => {
    expect(secretProblems({ AUTH_SECRET: good.AUTH_SECRET, SESSION_PASSWORD: good.AUTH_SECRET })).toEqual([
      expect.stringContaining("must be different"),
    ]);
  });

  it("npm start refuses to start in production without SESSION_PASSWORD, naming it", () => {
    const env = { ...process.env, AUTH_SECRET: good.AUTH_SECRET, SESSION_PASSWORD: "" };
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Refusing to start: SESSION_PASSWORD is not set");
  });
});
