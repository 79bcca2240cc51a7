import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomToken } from "@/lib/crypto";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/rows";
import { outboxMessages, rateLimitBuckets, signInTickets, smsChallenges } from "@/lib/db/schema";
import { sweepExpiredRows, type SweepCounts } from "@/lib/housekeeping";
import { deleteInBatches } from "@/lib/two-factor/batch-delete";
import { databaseTargets } from "../helpers/databases";
import { createUser, testClock } from "../helpers/fixtures";
import { freshPhone } from "../helpers/two-factor";

const NOW = new Date("2026-11-28T10:00:00Z");
const DAY = 86_400_000;
const BATCH = 7;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

/** The database, with every raw statement's returned row count recorded (the sweep's deletes return one row per deleted row). */
function countingStatements(db: Db): { db: Db; deletesReturned: number[] } {
  const deletesReturned: number[] = [];
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "execute") return Reflect.get(target, property, receiver);
      return async (query: SQL) => {
        const result = await target.execute(query);
        deletesReturned.push(rowsOf(result).length);
        return result;
      };
    },
  });
  return { db: counted, deletesReturned };
}

describe.each(databaseTargets())("sweeps running together on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  /** Expired and live rows in four tables, several batches' worth of each: the expired rows' keys, and the live rows'. */
  async function seedRows(expiredPerTable: number, livePerTable: number) {
    const user = await createUser(handle.db);
    const phone = freshPhone();
    const live: string[] = [];
    const expired: string[] = [];
    const outbox = { live: [] as string[], expired: [] as string[] };
    for (let i = 0; i < expiredPerTable + livePerTable; i++) {
      const isExpired = i < expiredPerTable;
      const keys = isExpired ? expired : live;
      const challengeId = crypto.randomUUID();
      const createdAt = isExpired ? at(-DAY - 1 - i) : at(-DAY + 1 + i);
      await handle.db.insert(smsChallenges).values({ id: challengeId, userId: user.id, purpose: "sign_in", attemptHash: "a", phoneE164: phone, codeHmac: "x", createdAt, sentAt: createdAt, expiresAt: at(-DAY) });
      const token = randomToken();
      await handle.db.insert(signInTickets).values({ userId: user.id, tokenHash: token, amr: ["pwd"], issuedAt: at(-120_000), expiresAt: isExpired ? at(-1 - i) : at(1 + i) });
      const key = `sweep-together:${randomToken()}`;
      await handle.db.insert(rateLimitBuckets).values({ key, hits: 3, windowStartedAt: isExpired ? at(-DAY) : at(-60_000) });
      const [message] = await handle.db.insert(outboxMessages).values({ channel: "sms", recipient: phone, body: "code", createdAt: isExpired ? at(-2 * DAY) : at(-1_000) }).returning({ id: outboxMessages.id });
      keys.push(challengeId, token, key, message!.id);
      (isExpired ? outbox.expired : outbox.live).push(message!.id);
    }
    return { live, expired, outbox };
  }

  async function remaining(keys: string[]): Promise<string[]> {
    const rows = rowsOf<{ key: string }>(
      await handle.db.execute(sql`
        select id as key from sms_challenges union all select token_hash from sign_in_tickets
        union all select key from rate_limit_buckets union all select id from outbox_messages`),
    );
    const wanted = new Set(keys);
    return rows.map((row) => row.key).filter((key) => wanted.has(key));
  }

  it("two sweeps at once delete each expired row once and never a live one", async () => {
    const { live, expired } = await seedRows(5 * BATCH + 3, 6);
    const sweep = () => sweepExpiredRows({ db: handle.db, clock: testClock(NOW) }, BATCH);
    const [first, second] = await Promise.all([sweep(), sweep()]);
    const total = (table: keyof SweepCounts) => first[table] + second[table];
    for (const table of ["sms_challenges", "sign_in_tickets", "rate_limit_buckets", "outbox_messages"] as const) expect(total(table), table).toBe(5 * BATCH + 3);
    expect(await remaining(expired)).toEqual([]);
    expect((await remaining(live)).sort()).toEqual([...live].sort());
    // Nothing left for a third sweep.
    const third = await sweep();
    expect(Object.values(third).every((n) => n === 0)).toBe(true);
  });

  it("no statement deletes more than one batch, and more rows than a batch all go", async () => {
    const { outbox } = await seedRows(3 * BATCH + 2, 2);
    const { db, deletesReturned } = countingStatements(handle.db);
    const deleted = await deleteInBatches(db, outboxMessages, sql`${outboxMessages.createdAt} <= ${at(-DAY).toISOString()}::timestamptz`, BATCH);
    expect(deleted).toBe(3 * BATCH + 2);
    expect(Math.max(...deletesReturned)).toBe(BATCH);
    expect(deletesReturned).toEqual([BATCH, BATCH, BATCH, 2]);
    expect(await remaining(outbox.expired)).toEqual([]);
    expect((await remaining(outbox.live)).sort()).toEqual([...outbox.live].sort());
  });

  it("refuses a batch size that is not a positive whole number", async () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      await expect(deleteInBatches(handle.db, outboxMessages, sql`false`, size)).rejects.toThrow(/batchSize/);
    }
  });
});
