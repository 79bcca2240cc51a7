import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loggableError } from "@/lib/db/loggable-error";

describe("what a failure leaves in the server log", () => {
  it("a failed query keeps the driver's reason and drops the statement and its parameters (hashes, addresses)", () => {
    const cause = new Error("database \"c2fa\" is not currently accepting connections");
    const error = new DrizzleQueryError("select * from backup_codes where code_hash = $1 and ip = $2", ["3q2-secret-hash", "203.0.113.7"], cause);
    const logged = loggableError(error);
    expect(logged).toBe('database query failed: database "c2fa" is not currently accepting connections');
    expect(logged).not.toContain("3q2-secret-hash");
    expect(logged).not.toContain("203.0.113.7");
    expect(logged).not.toContain("backup_codes");
  });

  it("a data exception (SQLSTATE class 22) keeps only its code: PostgreSQL's message quotes the offending parameter", () => {
    const cause = Object.assign(new Error('invalid input syntax for type uuid: "somesearch"'), { code: "22P02" });
    const logged = loggableError(new DrizzleQueryError("select * from users where id = $1", ["somesearch"], cause));
    expect(logged).toBe("database query failed: invalid data (SQLSTATE 22P02)");
  });

  it("any other error keeps its message", () => {
    expect(loggableError(new Error("AUTH_SECRET is not set"))).toBe("AUTH_SECRET is not set");
    expect(loggableError("plain")).toBe("plain");
  });
});
