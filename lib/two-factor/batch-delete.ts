import { sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { rowsOf } from "../db/rows";
import type { TwoFactorDb } from "./db";

/** Rows one sweep statement deletes at most: short statements, short locks. */
export const SWEEP_BATCH_SIZE = 1_000;

/**
 * Deletes the rows of `table` that `expired` matches, at most `batchSize` per statement, until a
 * statement deletes fewer. Safe beside a second sweep and beside the app: rows another transaction
 * holds are skipped (SKIP LOCKED), so two sweeps never wait on or count the same row, and the
 * condition is checked again on the row the DELETE sees, so a row made live meanwhile stays.
 * Returns how many rows this call deleted.
 */
export async function deleteInBatches(db: TwoFactorDb, table: PgTable, expired: SQL, batchSize = SWEEP_BATCH_SIZE): Promise<number> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batchSize must be a positive integer");
  let total = 0;
  for (;;) {
    const deleted = rowsOf(
      await db.execute(sql`
        delete from ${table}
        where ctid = any(array(select ctid from ${table} where ${expired} limit ${batchSize} for update skip locked))
          and ${expired}
        returning 1`),
    ).length;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
