import path from "node:path";
import type { Pool } from "pg";
import { databaseOptionsFromEnv, type DatabaseHandle, type DatabaseOptions } from "./client";

type Env = Readonly<Record<string, string | undefined>>;

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");

/** The advisory lock every migrating process takes on PostgreSQL (any fixed number; "c2fa"). */
export const MIGRATION_LOCK_KEY = 0x63326661;

/**
 * Where migrations run: a direct connection when one is given (DATABASE_MIGRATION_URL, or
 * DATABASE_URL_UNPOOLED as Vercel's Neon integration names it), else DATABASE_URL. The migration
 * lock is a session-level advisory lock, which a transaction-mode pooler would not keep with the
 * session; DDL is better off direct as well.
 */
export function migrationDatabaseOptions(env: Env = process.env): DatabaseOptions {
  const url = env.DATABASE_MIGRATION_URL || env.DATABASE_URL_UNPOOLED || env.DATABASE_URL || undefined;
  return { ...databaseOptionsFromEnv(env as NodeJS.ProcessEnv), url };
}

/** `MIGRATE_ON_START=0` (or "false") leaves migrations to the deploy step (`npm run db:migrate`). */
export function migratesOnStart(env: Env = process.env): boolean {
  return !["0", "false", "no", "off"].includes((env.MIGRATE_ON_START ?? "").trim().toLowerCase());
}

const running = new WeakMap<DatabaseHandle, Promise<void>>();

/**
 * Applies the migrations in drizzle/ (the same set for PostgreSQL and PGlite), once however many
 * processes start together: on PostgreSQL the whole run holds an advisory lock, so a second
 * instance waits for the first to commit and then finds nothing left to apply. Calls on one handle
 * in this process take turns as well.
 */
export async function migrateDatabase(handle: DatabaseHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  const previous = running.get(handle) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => migrateNow(handle, migrationsFolder));
  running.set(handle, run);
  return run;
}

async function migrateNow(handle: DatabaseHandle, migrationsFolder: string) {
  if (handle.kind === "postgres") {
    const pool = (handle.db as unknown as { $client: Pool }).$client;
    const client = await pool.connect();
    try {
      // The lock, the reading of what was applied and the migrations all run on this one
      // connection (a pool of one must not wait on itself). It is closed afterwards, not
      // returned: closing the session releases the lock even if the unlock could not be sent.
      await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      const [{ drizzle }, { migrate }] = await Promise.all([import("drizzle-orm/node-postgres"), import("drizzle-orm/node-postgres/migrator")]);
      await migrate(drizzle({ client }), { migrationsFolder });
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    } finally {
      client.release(true);
    }
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(handle.db as any, { migrationsFolder });
  }
}
