import { describe, expect, it } from "vitest";
import { databaseOptionsFromEnv, DEFAULT_PGLITE_DIR } from "@/lib/db/client";

const URL = "postgres://app@db.example.com:5432/connect";

describe("database options from the environment", () => {
  it("nothing set: PGlite in .data/pglite, a pool of 10, prepared statements on", () => {
    expect(databaseOptionsFromEnv({})).toEqual({ url: undefined, dataDir: DEFAULT_PGLITE_DIR, poolSize: 10, preparedStatements: "on" });
  });

  it("DATABASE_PREPARED_STATEMENTS is on or off, in any case, whatever the URL says", () => {
    expect(databaseOptionsFromEnv({ DATABASE_URL: URL, DATABASE_PREPARED_STATEMENTS: "off" }).preparedStatements).toBe("off");
    expect(databaseOptionsFromEnv({ DATABASE_URL: URL, DATABASE_PREPARED_STATEMENTS: " OFF " }).preparedStatements).toBe("off");
    expect(databaseOptionsFromEnv({ DATABASE_URL: `${URL}?pgbouncer=true`, DATABASE_PREPARED_STATEMENTS: "on" }).preparedStatements).toBe("on");
  });

  it("unset, prepared statements are off only when the URL carries pgbouncer=true", () => {
    expect(databaseOptionsFromEnv({ DATABASE_URL: `${URL}?pgbouncer=true&sslmode=require` }).preparedStatements).toBe("off");
    expect(databaseOptionsFromEnv({ DATABASE_URL: `${URL}?pgbouncer=false` }).preparedStatements).toBe("on");
    expect(databaseOptionsFromEnv({ DATABASE_URL: URL }).preparedStatements).toBe("on");
  });

  it("a value that is neither on nor off, or a pool size that is not a whole number from 1, is refused with the variable's name", () => {
    for (const value of ["false", "0", "disable", "no"]) {
      expect(() => databaseOptionsFromEnv({ DATABASE_URL: URL, DATABASE_PREPARED_STATEMENTS: value })).toThrow(/DATABASE_PREPARED_STATEMENTS/);
    }
    for (const value of ["0", "-1", "1.5", "ten"]) {
      expect(() => databaseOptionsFromEnv({ DATABASE_URL: URL, DATABASE_POOL_SIZE: value })).toThrow(/DATABASE_POOL_SIZE/);
    }
    expect(databaseOptionsFromEnv({ DATABASE_URL: URL, DATABASE_POOL_SIZE: "1" }).poolSize).toBe(1);
  });
});
