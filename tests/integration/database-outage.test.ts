import util from "node:util";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withAdminConnection } from "@/lib/db/admin";
import type { DatabaseHandle } from "@/lib/db/client";
import { databaseUnavailable } from "@/lib/db/outage-flag";
import { isConnectionFailure, isDatabaseFailure } from "@/lib/db/query-error";
import { users } from "@/lib/db/schema";
import { databaseTargets } from "../helpers/databases";
import { databaseUrlOf } from "../helpers/faults";
import { createOrgUser } from "../helpers/two-factor";

// Issue 13, point 7: the error a page, action or route sees when a query fails carries the
// driver's reason, never the statement or its parameters (whatever prints it, Next.js included);
// on PostgreSQL, the breaker opens while the server refuses connections and closes when it is back.
const SEARCH = "somesearch-7d1c";

/** Every way the error could be printed: its message, its stack, and util.inspect (console.error). */
const printed = (error: unknown) => [String(error), (error as Error).stack ?? "", util.inspect(error, { depth: 5 })].join("\n");

describe.each(databaseTargets())("a failed query on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("the error a caller sees says the driver's reason, never the statement or its parameters, and keeps the driver's error as its cause", async () => {
    const { user } = await createOrgUser(handle.db);
    // a duplicate key: PostgreSQL's own detail quotes the row's values
    const error = await handle.db
      .insert(users)
      .values({ id: user.id, email: `${SEARCH}@example.com`, name: SEARCH })
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseFailure(error)).toBe(true);
    expect((error as Error).message).toMatch(/^database query failed: duplicate key value violates unique constraint/);
    const text = printed(error);
    for (const secret of ["Failed query", "params:", "insert into", SEARCH, user.id]) expect(text).not.toContain(secret);
    expect((error as Error).cause).toMatchObject({ code: "23505" });
  });

  it("a parameter quoted back by PostgreSQL (a data exception) is not in the error either", async () => {
    const error = await handle.db.execute(sql`select ${SEARCH}::uuid`).then(() => null, (e: unknown) => e);
    expect((error as Error).message).toBe("database query failed: invalid data (SQLSTATE 22P02)");
    expect(printed(error)).not.toContain(SEARCH);
  });

  it("a failed query inside a transaction is the same safe error", async () => {
    const error = await handle.db.transaction((tx) => tx.execute(sql`select ${SEARCH}::uuid`)).then(() => null, (e: unknown) => e);
    expect(isDatabaseFailure(error)).toBe(true);
    expect(printed(error)).not.toMatch(new RegExp(`Failed query|params:|${SEARCH}`));
  });

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (target.name === "postgres" && adminUrl) {
    it("while PostgreSQL refuses connections the breaker is open and every query's error is a safe connection failure; once it is back a probe closes it", async () => {
      const log = vi.spyOn(console, "error").mockImplementation(() => {});
      const url = await databaseUrlOf(handle.db, adminUrl);
      const name = new URL(url).pathname.slice(1);
      const { user } = await createOrgUser(handle.db);
      expect(databaseUnavailable()).toBe(false);
      try {
        await withAdminConnection(adminUrl, async (admin) => {
          await admin.query(`alter database ${name} allow_connections false`);
          await admin.query("select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
        });
        await expect.poll(databaseUnavailable, { timeout: 5_000 }).toBe(true);
        for (const query of [
          () => handle.db.select().from(users).where(eq(users.id, user.id)),
          () => handle.db.transaction((tx) => tx.select().from(users).where(eq(users.email, `${SEARCH}@example.com`))),
        ]) {
          const error = await query().then(() => null, (e: unknown) => e);
          expect(isDatabaseFailure(error)).toBe(true);
          expect(isConnectionFailure(error)).toBe(true);
          expect(printed(error)).not.toMatch(new RegExp(`Failed query|params:|select|${SEARCH}|${user.id}`));
        }
      } finally {
        await withAdminConnection(adminUrl, (admin) => admin.query(`alter database ${name} allow_connections true`));
      }
      await expect.poll(databaseUnavailable, { timeout: 5_000 }).toBe(false);
      expect(await handle.db.select().from(users).where(eq(users.id, user.id))).toHaveLength(1);
      const lines = log.mock.calls.map((call) => call.map(String).join(" "));
      expect(lines[0]).toMatch(/^database unavailable: /);
      expect(lines.at(-1)).toMatch(/^database available again after /);
      expect(lines.join("\n")).not.toMatch(new RegExp(`Failed query|params:|${SEARCH}|${user.id}`));
      log.mockRestore();
    });
  }
});
