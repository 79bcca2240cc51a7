import { setTimeout as sleep } from "node:timers/promises";
import { assertSafeDatabaseName, withAdminConnection } from "../../lib/db/admin";
import type { DatabaseTarget } from "./config";

/**
 * PostgreSQL backends report their transaction counts to pg_stat_database at most once a second
 * while busy, and an idle backend's last counts up to 10 s later (PGSTAT_IDLE_INTERVAL). Reading
 * after this pause sees every transaction that finished before it.
 */
export const STATS_SETTLE_MS = 11_000;

function adminUrlOf(target: DatabaseTarget): string {
  if (!target.adminUrl) throw new Error("not a PostgreSQL target");
  return target.adminUrl;
}

/** Drops and creates the bench's own database. */
export async function createBenchDatabase(target: DatabaseTarget): Promise<void> {
  const name = assertSafeDatabaseName(target.databaseName!);
  await withAdminConnection(adminUrlOf(target), async (admin) => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  });
}

export async function dropBenchDatabase(target: DatabaseTarget): Promise<void> {
  const name = assertSafeDatabaseName(target.databaseName!);
  await withAdminConnection(adminUrlOf(target), (admin) => admin.query(`drop database if exists ${name} with (force)`));
}

/**
 * Committed plus rolled-back transactions of the bench database so far, read over a connection to
 * the maintenance database (so the reading itself is not counted), after the stats have settled.
 */
export async function settledTransactionCount(target: DatabaseTarget): Promise<number> {
  await sleep(STATS_SETTLE_MS);
  return withAdminConnection(adminUrlOf(target), async (admin) => {
    const result = await admin.query<{ n: string }>(
      "select (xact_commit + xact_rollback)::text as n from pg_stat_database where datname = $1",
      [target.databaseName],
    );
    return Number(result.rows[0]?.n ?? Number.NaN);
  });
}
