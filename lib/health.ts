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
 * Whether this instance can serve: the database answers, and the migrations it has applied
 * (drizzle's `__drizzle_migrations`, whose created_at is each journal entry's `when`) are exactly
 * those of the build. One small query per call; an open breaker (lib/db/outage.ts) answers at once.
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
  const [row] = rowsOf<{ applied: number | string; last: string | null }>(
    await db.execute(sql`select count(*)::int as applied, max(created_at)::text as last from drizzle.__drizzle_migrations`),
  );
  const last = expected.entries.at(-1)?.when ?? null;
  return Number(row?.applied ?? 0) === expected.entries.length && (row?.last == null ? null : Number(row.last)) === last;
}

/** The health route's answer: no detail beyond up or down, never cached. */
export async function healthResponse(openDb?: () => Promise<Db>, expected?: MigrationJournal): Promise<Response> {
  const ok = await isHealthy(openDb, expected);
  return Response.json({ status: ok ? "ok" : "unavailable" }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
