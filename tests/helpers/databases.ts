import { randomBytes } from "node:crypto";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { assertSafeDatabaseName, withAdminConnection } from "@/lib/db/admin";
import { DEFAULT_POOL_SIZE, openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { startPgBouncer, type PgBouncer } from "./pgbouncer";

export interface DatabaseTarget {
  name: "pglite" | "postgres" | "pgbouncer";
  /** A fresh, migrated database that no other test file sees. */
  open(options?: OpenOptions): Promise<DatabaseHandle>;
}

export interface OpenOptions {
  /** The app's pool (PostgreSQL only). @default DATABASE_POOL_SIZE, else 10 */
  poolSize?: number;
}

/**
 * PGlite always; PostgreSQL as well when TEST_DATABASE_URL is set; and, for a file that asks
 * (`throughPooler`, the security and concurrency properties) or for every file with
 * TEST_PGBOUNCER=all, "pgbouncer": the same server reached through a PgBouncer in transaction
 * mode, as on managed hosting, with prepared statements off. TEST_PGBOUNCER=0 leaves it out.
 */
export function databaseTargets(options: { throughPooler?: boolean } = {}): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ name: "pglite", open: openFreshPglite }];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return targets;
  targets.push({ name: "postgres", open: (open) => openFreshPostgres(adminUrl, open) });
  const pooler = process.env.TEST_PGBOUNCER;
  if (pooler === "all" || (options.throughPooler && pooler !== "0")) {
    targets.push({ name: "pgbouncer", open: (open) => openFreshPostgres(adminUrl, { ...open, throughPooler: true }) });
  }
  return targets;
}

// Server connections of the tests' PgBouncer: as many as the transactions a test holds open at once
// (a test's barrier waits for all of them), and more than one, so statements move between them.
const PGBOUNCER_POOL_SIZE = 20;
let sharedPgBouncer: { started: Promise<PgBouncer>; users: number } | null = null;

/** This test file's PgBouncer, started on first use and stopped when its last database closes. */
async function sharedPgBouncerFor(adminUrl: string): Promise<{ bouncer: PgBouncer; release(): Promise<void> }> {
  sharedPgBouncer ??= { started: startPgBouncer(adminUrl, { poolSize: PGBOUNCER_POOL_SIZE }), users: 0 };
  const shared = sharedPgBouncer;
  shared.users += 1;
  const bouncer = await shared.started;
  return {
    bouncer,
    async release() {
      shared.users -= 1;
      if (shared.users > 0) return;
      if (sharedPgBouncer === shared) sharedPgBouncer = null;
      await bouncer.stop();
    },
  };
}

async function openFreshPglite(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ dataDir: "memory://" });
  await migrateDatabase(handle);
  return handle;
}

/**
 * Creates a throwaway database on the server and drops it again on close. `throughPooler`: the
 * database is created, migrated and dropped directly (as a deploy migrates on the direct URL), and
 * the handle's queries go through this file's PgBouncer.
 */
export async function openFreshPostgres(adminUrl: string, options: OpenOptions & { throughPooler?: boolean } = {}): Promise<DatabaseHandle> {
  const name = `c2fa_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdminConnection(adminUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const poolSize = options.poolSize ?? Number(process.env.DATABASE_POOL_SIZE || DEFAULT_POOL_SIZE);
  const direct = await openDatabase({ url: url.toString(), poolSize });
  await migrateDatabase(direct);
  const dropDatabase = () => withAdminConnection(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
  if (!options.throughPooler) {
    return {
      ...direct,
      async close() {
        await direct.close();
        await dropDatabase();
      },
    };
  }
  await direct.close();
  const pooler = await sharedPgBouncerFor(adminUrl);
  const pooled = await openDatabase({ url: pooler.bouncer.urlFor(url.toString()), poolSize, preparedStatements: "off" });
  return {
    ...pooled,
    description: `${pooled.description} (PgBouncer, transaction mode)`,
    async close() {
      await pooled.close();
      await dropDatabase();
      await pooler.release();
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
