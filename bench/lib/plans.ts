import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import type { DatabaseHandle, Db } from "../../lib/db/client";
import * as schema from "../../lib/db/schema";

interface Captured {
  sql: string;
  params: unknown[];
}

/** The same database connection, with a drizzle instance that records every query it sends. */
async function recordingDb(handle: DatabaseHandle): Promise<{ db: Db; queries: Captured[] }> {
  const queries: Captured[] = [];
  const logger = { logQuery: (query: string, params: unknown[]) => queries.push({ sql: query, params: [...params] }) };
  const client = (handle.db as unknown as { $client: unknown }).$client;
  if (handle.kind === "pglite") {
    const { drizzle } = await import("drizzle-orm/pglite");
    return { db: drizzle({ client: client as PGlite, schema, logger }) as unknown as Db, queries };
  }
  const { drizzle } = await import("drizzle-orm/node-postgres");
  return { db: drizzle({ client: client as Pool, schema, logger }) as unknown as Db, queries };
}

async function explain(handle: DatabaseHandle, query: Captured): Promise<unknown> {
  const text = `explain (analyze, buffers, format json) ${query.sql}`;
  const client = (handle.db as unknown as { $client: unknown }).$client;
  if (handle.kind === "pglite") {
    const result = await (client as PGlite).query<Record<string, unknown>>(text, query.params);
    return result.rows[0]?.["QUERY PLAN"];
  }
  const result = await (client as Pool).query<Record<string, unknown>>(text, query.params);
  return result.rows[0]?.["QUERY PLAN"];
}

/**
 * Buffer accesses (8 KiB pages, shared hits + reads, as EXPLAIN counts them: a page read twice
 * counts twice) of the queries `run` sends: a cost that does not depend on the machine's speed or
 * noise. Each query is captured and run again under EXPLAIN (ANALYZE, BUFFERS).
 */
export async function pagesTouched(handle: DatabaseHandle, run: (db: Db) => Promise<unknown>): Promise<{ pages: number; queries: number }> {
  const { db, queries } = await recordingDb(handle);
  await run(db);
  let pages = 0;
  for (const query of queries) {
    const raw = await explain(handle, query);
    const plans = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: Record<string, number> }[];
    const top = plans[0]?.Plan;
    if (!top) throw new Error(`no plan for: ${query.sql.slice(0, 80)}`);
    pages += (top["Shared Hit Blocks"] ?? 0) + (top["Shared Read Blocks"] ?? 0);
  }
  return { pages, queries: queries.length };
}
