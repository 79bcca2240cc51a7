import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { Pool } from "pg";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** PostgreSQL at DATABASE_URL, else PGlite in PGLITE_DATA_DIR (default .data/pglite). */
export function openDatabase(): { db: Db; close: () => Promise<void> } {
  if (process.env.DATABASE_URL) {
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    return { db: drizzlePg({ client: pool, schema }), close: () => pool.end() };
  }
  const dataDir = process.env.PGLITE_DATA_DIR || ".data/pglite";
  fs.mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  return { db: drizzlePglite({ client, schema }), close: () => client.close() };
}

const processDb = globalThis as unknown as { __hostAppDb?: Db };

/** The server's one database handle. */
export function getDb(): Db {
  processDb.__hostAppDb ??= openDatabase().db;
  return processDb.__hostAppDb;
}
