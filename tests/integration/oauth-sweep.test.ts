import { inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "@/lib/crypto";
import type { DatabaseHandle } from "@/lib/db/client";
import { oauthArtifacts } from "@/lib/db/schema";
import { sweepExpiredRows } from "@/lib/housekeeping";
import { providerStore } from "@/lib/oauth/provider-store";
import { databaseTargets } from "../helpers/databases";
import { testClock } from "../helpers/fixtures";

// The housekeeping sweep and the apps' stored codes, tokens, grants and provider sessions
// (oauth_artifacts): a row the store would no longer find (expires_at <= now) goes, every other
// row stays, whatever the model, wherever it sits around the boundary.

const NOW = new Date("2026-11-28T10:00:00Z");
const MODELS = ["AuthorizationCode", "RefreshToken", "AccessToken", "Grant", "Session", "Interaction"] as const;
/** Milliseconds from NOW to the row's expiry (null: none), a few either side of the boundary or further out. */
const expiresIn = fc.option(fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -30 * 86_400_000, max: 30 * 86_400_000 })), { freq: 6 });

describe.each(databaseTargets())("the housekeeping sweep of oauth_artifacts on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("deletes exactly the rows past their expiry (and counts them), in batches; the live ones are still found", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ model: fc.constantFrom(...MODELS), expiresIn }), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (rows, batchSize) => {
        const seeded = rows.map((row) => ({ ...row, id: crypto.randomUUID() }));
        if (seeded.length > 0) {
          await handle.db.insert(oauthArtifacts).values(
            seeded.map((row) => ({
              model: row.model,
              idHash: sha256(row.id),
              payload: { kind: row.model },
              expiresAt: row.expiresIn === null ? null : new Date(NOW.getTime() + row.expiresIn),
            })),
          );
        }
        const expired = seeded.filter((row) => row.expiresIn !== null && row.expiresIn <= 0);
        const live = seeded.filter((row) => !expired.includes(row));

        const counts = await sweepExpiredRows({ db: handle.db, clock: testClock(NOW) }, batchSize);
        expect(counts.oauth_artifacts).toBe(expired.length);
        const left = seeded.length === 0 ? [] : await handle.db.select({ idHash: oauthArtifacts.idHash }).from(oauthArtifacts).where(inArray(oauthArtifacts.idHash, seeded.map((row) => sha256(row.id))));
        expect(left.map((row) => row.idHash).sort()).toEqual(live.map((row) => sha256(row.id)).sort());
        const store = providerStore({ db: handle.db, clock: testClock(NOW) });
        for (const row of live) expect(await store(row.model).find(row.id), row.model).toMatchObject({ kind: row.model });
        expect((await sweepExpiredRows({ db: handle.db, clock: testClock(NOW) }, batchSize)).oauth_artifacts).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});
