import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { consumeRateLimit, peekRateLimit, refundRateLimit } from "@/lib/rate-limit";
import { databaseTargets } from "../helpers/databases";

const rule = { limit: 3, windowMs: 60_000 };

describe.each(databaseTargets({ throughPooler: true }))("rate limits on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("allows the limit, refuses the next hit, and says how long to wait", async () => {
    const now = new Date("2026-11-28T10:00:00Z");
    for (let i = 0; i < 3; i++) expect((await consumeRateLimit(handle.db, "k1", rule, now)).allowed).toBe(true);
    const refused = await consumeRateLimit(handle.db, "k1", rule, new Date(now.getTime() + 10_000));
    expect(refused).toEqual({ allowed: false, retryAfterMs: 50_000 });
  });

  it("starts a new window once the old one has passed", async () => {
    const now = new Date("2026-11-28T10:00:00Z");
    for (let i = 0; i < 4; i++) await consumeRateLimit(handle.db, "k2", rule, now);
    expect((await consumeRateLimit(handle.db, "k2", rule, new Date(now.getTime() + 60_000))).allowed).toBe(true);
    expect(await peekRateLimit(handle.db, "k2", rule, new Date(now.getTime() + 60_000))).toBe(1);
  });

  it("counts every one of 20 concurrent hits (the limit is shared, not per process)", async () => {
    const now = new Date("2026-11-28T10:00:00Z");
    const results = await Promise.all(
      Array.from({ length: 20 }, () => consumeRateLimit(handle.db, "k3", { limit: 5, windowMs: 60_000 }, now)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(await peekRateLimit(handle.db, "k3", rule, now)).toBe(20);
  });

  it("hands a hit back on refund", async () => {
    const now = new Date("2026-11-28T10:00:00Z");
    await consumeRateLimit(handle.db, "k4", rule, now);
    await refundRateLimit(handle.db, "k4");
    expect(await peekRateLimit(handle.db, "k4", rule, now)).toBe(0);
  });
});
