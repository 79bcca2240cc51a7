import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

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
}

export const DEFAULT_PGLITE_DIR = path.join(".data", "pglite");

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url) {
    const { Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const pool = new Pool({ connectionString: options.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    // A connection lost while idle or mid-query must reject that query, not crash the process;
    // the pool replaces the connection on the next checkout.
    pool.on("error", () => {});
    pool.on("connect", (connection) => void connection.on("error", () => {}));
    const url = new URL(options.url);
    return {
      db: drizzle({ client: pool, schema }) as unknown as Db,
      kind: "postgres",
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = options.dataDir ?? DEFAULT_PGLITE_DIR;
  if (!dataDir.startsWith("memory://")) fs.mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  return {
    db: drizzle({ client, schema }) as unknown as Db,
    kind: "pglite",
    description: dataDir.startsWith("memory://") ? "embedded PGlite in memory" : `embedded PGlite in ${dataDir}`,
    close: () => client.close(),
  };
}

export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseOptions {
  return { url: env.DATABASE_URL || undefined, dataDir: env.PGLITE_DATA_DIR || DEFAULT_PGLITE_DIR };
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
