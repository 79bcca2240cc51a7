import { sql } from "drizzle-orm";
import journal from "../drizzle/meta/_journal.json";
import { getDb, type Db } from "./db/client";
import { databaseOutage } from "./db/outage";
import { databaseUnavailable } from "./db/outage-flag";
import { rowsOf } from "./db/rows";

/** The migrations this build ships (drizzle/meta/_journal.json, bundled: nothing is read per call). */
export interface MigrationJournal {
  entries: readonly { when: number }[];
}

/** A load balancer waits no longer than this for the database's answer. */
export const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Whether this instance can serve: the database answers, and every migration of this build
 * (drizzle's `__drizzle_migrations`, whose created_at is each journal entry's `when`) is applied.
 * A database ahead of the build (a newer build migrated it first) still serves this one: in a
 * rolling deploy the deploy step migrates before the old instances stop, and migrations are made
 * to keep the previous build working. One small query per call; an open breaker
 * (lib/db/outage.ts) answers at once.
 */
export async function isHealthy(openDb: () => Promise<Db> = getDb, expected: MigrationJournal = journal, timeoutMs = HEALTH_TIMEOUT_MS): Promise<boolean> {
  if (databaseUnavailable()) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([migrationsCurrent(openDb, expected), timeout]);
  } catch (error) {
    databaseOutage().failed(error);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function migrationsCurrent(openDb: () => Promise<Db>, expected: MigrationJournal): Promise<boolean> {
  const db = await openDb();
  const whens = sql.join(expected.entries.map((entry) => sql`${String(entry.when)}::bigint`), sql`, `);
  const [row] = rowsOf<{ applied: number | string }>(
    await db.execute(sql`select count(distinct created_at)::int as applied from drizzle.__drizzle_migrations where created_at in (${whens})`),
  );
  return Number(row?.applied ?? 0) === expected.entries.length;
}

/** The health route's answer: no detail beyond up or down, never cached. */
export async function healthResponse(openDb?: () => Promise<Db>, expected?: MigrationJournal): Promise<Response> {
  const ok = await isHealthy(openDb, expected);
  return Response.json({ status: ok ? "ok" : "unavailable" }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
