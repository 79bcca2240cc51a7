import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import journal from "@/drizzle/meta/_journal.json";
import { assertSafeDatabaseName, withAdminConnection } from "@/lib/db/admin";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { migrateDatabase, migratesOnStart, migrationDatabaseOptions } from "@/lib/db/migrate";
import { rowsOf } from "@/lib/db/rows";

async function appliedMigrations(handle: DatabaseHandle): Promise<number[]> {
  const rows = rowsOf<{ created_at: string | number }>(await handle.db.execute(sql`select created_at from drizzle.__drizzle_migrations order by id`));
  return rows.map((row) => Number(row.created_at));
}

const everyMigration = journal.entries.map((entry) => entry.when);

/** Two processes' handles on one fresh, empty database (PostgreSQL: two pools; PGlite lives in one process: one handle). */
const targets: { name: string; open(): Promise<{ first: DatabaseHandle; second: DatabaseHandle; close(): Promise<void> }> }[] = [
  {
    name: "pglite",
    async open() {
      const handle = await openDatabase({ dataDir: "memory://" });
      return { first: handle, second: handle, close: () => handle.close() };
    },
  },
];
const adminUrl = process.env.TEST_DATABASE_URL;
if (adminUrl) {
  targets.push({
    name: "postgres",
    async open() {
      const name = assertSafeDatabaseName(`c2fa_migrate_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`);
      await withAdminConnection(adminUrl, (admin) => admin.query(`create database ${name}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const first = await openDatabase({ url: url.toString() });
      const second = await openDatabase({ url: url.toString() });
      return {
        first,
        second,
        async close() {
          await Promise.all([first.close(), second.close()]);
          await withAdminConnection(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
        },
      };
    },
  });
}

describe.each(targets)("migrations on $name", (target) => {
  it("two instances migrating a fresh database at once both succeed and apply each migration once", async () => {
    const { first, second, close } = await target.open();
    try {
      await Promise.all([migrateDatabase(first), migrateDatabase(second), migrateDatabase(first)]);
      expect(await appliedMigrations(first)).toEqual(everyMigration);
      await migrateDatabase(second);
      expect(await appliedMigrations(second)).toEqual(everyMigration);
    } finally {
      await close();
    }
  });
});

describe("where and when migrations run", () => {
  it("use the direct URL when one is given, else DATABASE_URL", () => {
    const pooled = "postgres://app@pooler.example:6543/db";
    const direct = "postgres://app@db.example:5432/db";
    expect(migrationDatabaseOptions({ DATABASE_URL: pooled }).url).toBe(pooled);
    expect(migrationDatabaseOptions({ DATABASE_URL: pooled, DATABASE_URL_UNPOOLED: direct }).url).toBe(direct);
    expect(migrationDatabaseOptions({ DATABASE_URL: pooled, DATABASE_URL_UNPOOLED: "postgres://other", DATABASE_MIGRATION_URL: direct }).url).toBe(direct);
    expect(migrationDatabaseOptions({}).url).toBeUndefined();
  });

  it("start-time migration is on unless MIGRATE_ON_START turns it off", () => {
    for (const value of [undefined, "", "1", "true", "yes"]) expect(migratesOnStart({ MIGRATE_ON_START: value }), String(value)).toBe(true);
    for (const value of ["0", "false", "FALSE", " off ", "no"]) expect(migratesOnStart({ MIGRATE_ON_START: value }), value).toBe(false);
  });
});
