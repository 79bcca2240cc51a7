import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PoolClient } from "pg";
import { databaseOutage } from "./outage";
import { DatabaseQueryError, installSafeQueryErrors } from "./query-error";
import * as schema from "./schema";
import { clientClassFor, preparedStatementsFromEnv, type PreparedStatements } from "./statements";

/**
 * What runs queries on the schema: the database, or a drizzle transaction in it (a transaction is
 * a database object of the same type). A function that may run inside its caller's transaction
 * takes this, and is handed the transaction as is.
 */
export type DbOrTx = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The database a function opens its own transaction on. */
export type Db = DbOrTx;

export interface DatabaseHandle {
  db: Db;
  kind: "postgres" | "pglite";
  /** Where the data lives, safe to print (no password). */
  description: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; "memory://" keeps it in memory. @default ".data/pglite" */
  dataDir?: string;
  /** Connections of the PostgreSQL pool. @default 10 */
  poolSize?: number;
  /** "off" behind a transaction-mode pooler that keeps no prepared statements (statements.ts). @default "on" */
  preparedStatements?: PreparedStatements;
}

export const DEFAULT_POOL_SIZE = 10;

export const DEFAULT_PGLITE_DIR = path.join(".data", "pglite");

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  await makeDrizzleQueryErrorsSafe();
  if (options.url) {
    const { Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      Client: await clientClassFor(options.preparedStatements ?? "on"),
    });
    // A connection lost while idle or mid-query must reject that query, not crash the process;
    // the pool replaces the connection on the next checkout. The breaker probes the server.
    const outage = databaseOutage();
    pool.on("error", () => outage.suspect());
    pool.on("connect", (connection) => void connection.on("error", () => {}));
    const detachProbe = outage.attachProbe(() => pool.query("select 1"));
    // drizzle takes a transaction's connection itself, outside its query errors: the same safe error
    const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
    pool.connect = (async (...callback: unknown[]) => {
      if (callback.length > 0) return (connect as (...a: unknown[]) => unknown)(...callback);
      try {
        return await connect();
      } catch (error) {
        throw new DatabaseQueryError(error);
      }
    }) as typeof pool.connect;
    const url = new URL(options.url);
    return {
      db: drizzle({ client: pool, schema }),
      kind: "postgres",
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => {
        detachProbe();
        return pool.end();
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = options.dataDir ?? DEFAULT_PGLITE_DIR;
  if (!dataDir.startsWith("memory://")) fs.mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  return {
    db: drizzle({ client, schema }),
    kind: "pglite",
    description: dataDir.startsWith("memory://") ? "embedded PGlite in memory" : `embedded PGlite in ${dataDir}`,
    close: () => client.close(),
  };
}

/** Every query of this process's copy of drizzle throws DatabaseQueryError, never the statement and its parameters. */
async function makeDrizzleQueryErrorsSafe() {
  const [{ PgPreparedQuery }, { NoopCache }] = await Promise.all([import("drizzle-orm/pg-core"), import("drizzle-orm/cache/core")]);
  installSafeQueryErrors(PgPreparedQuery, NoopCache);
}

export function databaseOptionsFromEnv(env: Record<string, string | undefined> = process.env): DatabaseOptions {
  const url = env.DATABASE_URL || undefined;
  return {
    url,
    dataDir: env.PGLITE_DATA_DIR || DEFAULT_PGLITE_DIR,
    poolSize: poolSizeFromEnv(env.DATABASE_POOL_SIZE),
    preparedStatements: preparedStatementsFromEnv(env.DATABASE_PREPARED_STATEMENTS, url),
  };
}

function poolSizeFromEnv(value: string | undefined): number {
  if (!value?.trim()) return DEFAULT_POOL_SIZE;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw new Error(`DATABASE_POOL_SIZE must be a whole number of connections, 1 or more, not "${value}"`);
  return size;
}

const globalForDb = globalThis as unknown as { __connect2faDb?: Promise<DatabaseHandle> };

/**
 * The process-wide database, opened on first use (never at import time, so `next build`
 * does not open it). One PGlite instance per process: it is kept on globalThis so dev
 * reloads reuse it.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  globalForDb.__connect2faDb ??= openDatabase(databaseOptionsFromEnv()).catch((error) => {
    globalForDb.__connect2faDb = undefined;
    throw error;
  });
  return globalForDb.__connect2faDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}
