import { randomBytes } from "node:crypto";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { assertSafeDatabaseName, withAdminConnection } from "@/lib/db/admin";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";

export interface DatabaseTarget {
  name: "pglite" | "postgres";
  /** A fresh, migrated database that no other test file sees. */
  open(): Promise<DatabaseHandle>;
}

/** PGlite always; PostgreSQL as well when TEST_DATABASE_URL is set. */
export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ name: "pglite", open: openFreshPglite }];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) targets.push({ name: "postgres", open: () => openFreshPostgres(adminUrl) });
  return targets;
}

async function openFreshPglite(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ dataDir: "memory://" });
  await migrateDatabase(handle);
  return handle;
}

/** Creates a throwaway database on the server and drops it again on close. */
export async function openFreshPostgres(adminUrl: string): Promise<DatabaseHandle> {
  const name = `c2fa_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdminConnection(adminUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  await migrateDatabase(handle);
  return {
    ...handle,
    async close() {
      await handle.close();
      await withAdminConnection(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** An empty database (no migration run) with a drizzle instance over the caller's schema. */
export interface EmptyDatabase<S extends Record<string, unknown>> {
  db: NodePgDatabase<S> | PgliteDatabase<S>;
  close(): Promise<void>;
}

export interface EmptyDatabaseTarget {
  name: "pglite" | "postgres";
  open<S extends Record<string, unknown>>(schema: S): Promise<EmptyDatabase<S>>;
}

/**
 * Like `databaseTargets`, but each database is empty, for a schema other than the portal's (a
 * host's): PGlite always, a throwaway PostgreSQL database as well when TEST_DATABASE_URL is set.
 */
export function emptyDatabaseTargets(): EmptyDatabaseTarget[] {
  const targets: EmptyDatabaseTarget[] = [
    {
      name: "pglite",
      async open(schema) {
        const [{ PGlite }, { drizzle }] = await Promise.all([import("@electric-sql/pglite"), import("drizzle-orm/pglite")]);
        const client = new PGlite("memory://");
        await client.waitReady;
        return { db: drizzle({ client, schema }), close: () => client.close() };
      },
    },
  ];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    targets.push({
      name: "postgres",
      async open(schema) {
        const name = assertSafeDatabaseName(`c2fa_host_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`);
        await withAdminConnection(adminUrl, (admin) => admin.query(`create database ${name}`));
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        const [{ Pool }, { drizzle }] = await Promise.all([import("pg"), import("drizzle-orm/node-postgres")]);
        const pool = new Pool({ connectionString: url.toString(), max: 4 });
        pool.on("error", () => {});
        return {
          db: drizzle({ client: pool, schema }),
          async close() {
            await pool.end();
            await withAdminConnection(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
          },
        };
      },
    });
  }
  return targets;
}
