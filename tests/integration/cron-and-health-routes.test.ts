import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as cronRoute } from "@/app/api/cron/sweep/route";
import { GET as healthRoute } from "@/app/api/health/route";
import journal from "@/drizzle/meta/_journal.json";
import { decideGate } from "@/lib/auth/gate";
import { cronSweepResponse, type CronSweepDeps } from "@/lib/cron-sweep";
import { withAdminConnection } from "@/lib/db/admin";
import { openDatabase, type DatabaseHandle, type Db } from "@/lib/db/client";
import { outageFlag } from "@/lib/db/outage-flag";
import { rowsOf } from "@/lib/db/rows";
import { rateLimitBuckets } from "@/lib/db/schema";
import { healthResponse } from "@/lib/health";
import { cronAuthorization, cronConfigurationWarning } from "@/lib/http/cron-secret";
import { requestRefusal } from "@/lib/http/request-guard";
import { databaseTargets } from "../helpers/databases";
import { databaseUrlOf } from "../helpers/faults";
import { testClock } from "../helpers/fixtures";

const SECRET = "cron-secret-0123456789-abcdefghijklmnop";
const ORIGIN = "https://portal.test";
const cronRequest = (authorization?: string) => new Request(`${ORIGIN}/api/cron/sweep`, { headers: authorization === undefined ? {} : { authorization } });
const answerOf = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });

/** Deps whose database must not be opened: a refused request runs nothing. */
const untouchable = (env: CronSweepDeps["env"]) => {
  const openDb = vi.fn(async (): Promise<Db> => {
    throw new Error("the database was opened");
  });
  return { env, openDb, clock: testClock() };
};

/**
 * Spellings of a wrong Authorization header: near misses of the right one, and anything else.
 * Whitespace around a header's value is not part of it (HTTP strips it; so does `Headers`).
 */
const wrongAuthorization = fc.oneof(
  fc.constantFrom(
    "",
    SECRET,
    `Bearer`,
    `Bearer `,
    `bearer ${SECRET}`,
    `BEARER ${SECRET}`,
    `Bearer  ${SECRET}`,
    `Bearer ${SECRET} `,
    ` Bearer ${SECRET}`,
    `Bearer${SECRET}`,
    `Basic ${Buffer.from(`user:${SECRET}`).toString("base64")}`,
    `Bearer ${SECRET.slice(0, -1)}`,
    `Bearer ${SECRET}x`,
    `Bearer ${SECRET.toUpperCase()}`,
    `Bearer "${SECRET}"`,
    `Bearer ${SECRET},Bearer ${SECRET}`,
  ),
  fc.record({ at: fc.nat({ max: SECRET.length - 1 }), by: fc.string({ minLength: 1, maxLength: 1 }) }).map(({ at, by }) => `Bearer ${SECRET.slice(0, at)}${by}${SECRET.slice(at + 1)}`).filter((v) => v !== `Bearer ${SECRET}`),
  fc.string(),
).filter((v) => v.trim() !== `Bearer ${SECRET}`);

describe("the cron route (Vercel Cron style)", () => {
  it("without CRON_SECRET configured (or one too short to be a secret) refuses everyone with 503 and runs nothing", async () => {
    for (const secret of [undefined, "", "short-secret"]) {
      for (const authorization of [undefined, `Bearer ${secret ?? ""}`, "Bearer undefined"]) {
        const deps = untouchable({ CRON_SECRET: secret });
        expect(await answerOf(await cronSweepResponse(cronRequest(authorization), deps))).toEqual({ status: 503, body: { ok: false, error: "CRON_SECRET is not configured" } });
        expect(deps.openDb).not.toHaveBeenCalled();
      }
    }
  });

  it("a missing or wrong secret, however it is spelled, gets 401 and runs nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(wrongAuthorization, { nil: undefined }), async (authorization) => {
        const deps = untouchable({ CRON_SECRET: SECRET });
        const answer = await answerOf(await cronSweepResponse(cronRequest(authorization), deps));
        expect(answer).toEqual({ status: 401, body: { ok: false, error: "UNAUTHENTICATED" } });
        expect(deps.openDb).not.toHaveBeenCalled();
      }),
      { numRuns: 200 },
    );
  });

  it("compares the whole header: only `Bearer <secret>` exactly is allowed", () => {
    expect(cronAuthorization(`Bearer ${SECRET}`, SECRET)).toBe("allowed");
    fc.assert(fc.property(wrongAuthorization, (header) => cronAuthorization(header, SECRET) === "refused"));
  });

  it("a production server says at start when the cron route cannot run, never printing the secret", () => {
    expect(cronConfigurationWarning({})).toMatch(/CRON_SECRET is not set/);
    const short = "short-but-secret";
    expect(cronConfigurationWarning({ CRON_SECRET: short })).toMatch(/CRON_SECRET is too short \(16 characters/);
    expect(cronConfigurationWarning({ CRON_SECRET: short })).not.toContain(short);
    expect(cronConfigurationWarning({ CRON_SECRET: SECRET })).toBeNull();
  });

  it("the route itself: 503 without CRON_SECRET, 401 with a wrong one (the process's database is never reached)", async () => {
    vi.stubEnv("CRON_SECRET", "");
    expect((await cronRoute(cronRequest(`Bearer ${SECRET}`))).status).toBe(503);
    vi.stubEnv("CRON_SECRET", SECRET);
    expect((await cronRoute(cronRequest(`Bearer ${SECRET}-not`))).status).toBe(401);
    expect((await cronRoute(cronRequest())).status).toBe(401);
    vi.unstubAllEnvs();
  });

  it("the gate and the request guard let a scheduler's cookieless GET through to the route's own check", async () => {
    for (const pathname of ["/api/cron/sweep", "/api/health"]) {
      expect(decideGate({ pathname, search: "", isApi: true, hasSession: false, hasPendingSignIn: false })).toEqual({ action: "allow" });
      const guarded = { method: "GET", pathname, headers: new Headers({ authorization: `Bearer ${SECRET}`, "user-agent": "vercel-cron/1.0" }), text: async () => "", formData: async () => new FormData() };
      expect(await requestRefusal(guarded)).toBeNull();
    }
    expect(decideGate({ pathname: "/api/cronx", search: "", isApi: true, hasSession: false, hasPendingSignIn: false }).action).toBe("deny");
  });
});

describe.each(databaseTargets())("the cron and health routes on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());
  afterEach(() => {
    outageFlag().unavailable = false;
  });

  it("the right secret sweeps and answers the counts per table", async () => {
    const clock = testClock();
    await handle.db.insert(rateLimitBuckets).values({ key: `cron-route:${crypto.randomUUID()}`, hits: 1, windowStartedAt: new Date(clock.now().getTime() - 2 * 3_600_000) });
    const answer = await answerOf(await cronSweepResponse(cronRequest(`Bearer ${SECRET}`), { env: { CRON_SECRET: SECRET }, openDb: async () => handle.db, clock }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, deleted: { rate_limit_buckets: 1, sms_challenges: 0, sessions: 0, verification_tokens: 0 } });
  });

  it("a sweep that fails answers 500 with no detail", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = { env: { CRON_SECRET: SECRET }, openDb: async () => ({ ...handle.db, execute: () => Promise.reject(new Error("boom")) }) as unknown as Db, clock: testClock() };
    expect(await answerOf(await cronSweepResponse(cronRequest(`Bearer ${SECRET}`), broken))).toEqual({ status: 500, body: { ok: false } });
    log.mockRestore();
  });

  it("health: 200 ok while the database answers and its migrations are this build's", async () => {
    const response = await healthResponse(async () => handle.db);
    expect(await answerOf(response)).toEqual({ status: 200, body: { status: "ok" } });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("health: 503 when the database lacks a migration of this build; a database a newer build migrated still serves", async () => {
    const newer = { entries: [...journal.entries, { when: journal.entries.at(-1)!.when + 1 }] };
    expect(await answerOf(await healthResponse(async () => handle.db, newer))).toEqual({ status: 503, body: { status: "unavailable" } });
    const older = { entries: journal.entries.slice(0, -1) };
    expect((await healthResponse(async () => handle.db, older)).status).toBe(200);
    // The same database one migration behind (its newest record gone) is refused as well.
    const [last] = rowsOf<{ hash: string; created_at: string }>(
      await handle.db.execute(sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations) returning hash, created_at`),
    );
    try {
      expect((await healthResponse(async () => handle.db)).status).toBe(503);
    } finally {
      await handle.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${last!.hash}, ${last!.created_at})`);
    }
    expect((await healthResponse(async () => handle.db)).status).toBe(200);
  });

  it("health: 503 while the breaker is open, without a query; the route answers the same", async () => {
    outageFlag().unavailable = true;
    const openDb = vi.fn(async () => handle.db);
    expect(await answerOf(await healthResponse(openDb))).toEqual({ status: 503, body: { status: "unavailable" } });
    expect(openDb).not.toHaveBeenCalled();
    expect(await answerOf(await healthRoute())).toEqual({ status: 503, body: { status: "unavailable" } });
  });

  it("health: 503 when the database is down, and the answer names nothing", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (target.name === "postgres" && adminUrl) {
      const url = await databaseUrlOf(handle.db, adminUrl);
      const name = new URL(url).pathname.slice(1);
      const other = await openDatabase({ url });
      try {
        await withAdminConnection(adminUrl, async (admin) => {
          await admin.query(`alter database ${name} allow_connections false`);
          await admin.query("select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
        });
        const answer = await answerOf(await healthResponse(async () => other.db));
        expect(answer).toEqual({ status: 503, body: { status: "unavailable" } });
      } finally {
        await withAdminConnection(adminUrl, (admin) => admin.query(`alter database ${name} allow_connections true`));
        await other.close();
      }
      await expect.poll(async () => (await healthResponse(async () => handle.db)).status, { timeout: 5_000 }).toBe(200);
    } else {
      const closed = await openDatabase({ dataDir: "memory://" });
      await closed.close();
      expect(await answerOf(await healthResponse(async () => closed.db))).toEqual({ status: 503, body: { status: "unavailable" } });
    }
    // A database that never answers is down too (the load balancer is not kept waiting).
    const { isHealthy } = await import("@/lib/health");
    expect(await isHealthy(() => new Promise<Db>(() => {}), journal, 50)).toBe(false);
    expect(await isHealthy(() => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.1:5432")))).toBe(false);
    log.mockRestore();
  });
});
