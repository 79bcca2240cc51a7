import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createOutageMonitor, type OutageMonitor } from "@/lib/db/outage";
import type { OutageFlag } from "@/lib/db/outage-flag";
import { DatabaseQueryError, isConnectionFailure, isDatabaseFailure } from "@/lib/db/query-error";

// The breaker and the one place that says database failures (lib/db/outage.ts), on a test clock:
// timers run only when the test moves the time, probes answer as the test says.
function harness(options: { probe?: boolean } = {}) {
  let now = 1_000_000;
  const timers: { at: number; fn: () => void }[] = [];
  const lines: string[] = [];
  const flag: OutageFlag = { unavailable: false, refused: 0 };
  const database = { up: true, probes: 0 };
  const monitor: OutageMonitor = createOutageMonitor({
    now: () => now,
    schedule: (fn, ms) => void timers.push({ at: now + ms, fn }),
    log: (line) => void lines.push(line),
    flag,
  });
  if (options.probe !== false) {
    monitor.attachProbe(async () => {
      database.probes += 1;
      if (!database.up) throw pgError("database \"c2fa\" is not currently accepting connections", "55000");
    });
  }
  /** Moves the clock, running the timers that fall due (and the probes they start) in order. */
  async function advance(ms: number) {
    const until = now + ms;
    for (;;) {
      await settle();
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      now = next.at;
      next.fn();
    }
    now = until;
    await settle();
  }
  return { monitor, lines, flag, database, advance };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
/** A query failing the way node-postgres fails when the server goes away, with the statement's parameters. */
const lostConnection = () =>
  new DatabaseQueryError(new DrizzleQueryError("select * from users where id = $1", ["user-0c3f1e"], pgError("Connection terminated unexpectedly")));
const econnrefused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
const refusedConnection = () => new DatabaseQueryError(econnrefused());

describe("a database outage is said once per burst, and the breaker is open exactly while the database is down", () => {
  it("a burst of failures is said once: its first failure, at most one line per 5 s counting the rest, one line when the database is back", async () => {
    const { monitor, lines, flag, database, advance } = harness();
    database.up = false;
    monitor.failed(lostConnection());
    await advance(0);
    expect(lines).toEqual(["database unavailable: Connection terminated unexpectedly"]);
    expect(flag.unavailable).toBe(true);

    // 200 more requests over the next 12 s: some fail in their render, most are refused by the middleware
    for (let i = 0; i < 200; i++) {
      if (i % 4 === 0) monitor.failed(refusedConnection());
      else flag.refused += 1;
      await advance(60);
    }
    expect(lines).toEqual([
      "database unavailable: Connection terminated unexpectedly",
      expect.stringMatching(/^database unavailable: \d+ more failures in the last 5 s$/),
      expect.stringMatching(/^database unavailable: \d+ more failures in the last 5 s$/),
    ]);
    expect(flag.unavailable).toBe(true);

    database.up = true;
    await advance(500);
    expect(flag.unavailable).toBe(false);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^database available again after 12(\.\d)? s; \d+ more failures since the last line$/);
    const counted = lines.slice(1).map((line) => Number(/(\d+) more failures/.exec(line)![1]));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it("while the database is down the breaker is probed every half second, and closes at the first probe that succeeds", async () => {
    const { monitor, flag, database, advance } = harness();
    database.up = false;
    monitor.suspect();
    await advance(0);
    expect(flag.unavailable).toBe(true);
    await advance(2_000);
    expect(database.probes).toBe(5);
    database.up = true;
    await advance(499);
    expect(flag.unavailable).toBe(true);
    await advance(1);
    expect(flag.unavailable).toBe(false);
    await advance(10_000);
    expect(database.probes).toBe(6);
  });

  it("one lost connection while the database is up (the probe succeeds) never opens the breaker, and a pool's lost idle connection says nothing", async () => {
    const { monitor, lines, flag, advance } = harness();
    monitor.suspect();
    await advance(0);
    expect(flag.unavailable).toBe(false);
    expect(lines).toEqual([]);
    monitor.failed(lostConnection());
    await advance(0);
    expect(flag.unavailable).toBe(false);
    expect(lines).toEqual(["database unavailable: Connection terminated unexpectedly"]);
  });

  it("without a probe (PGlite, in the process, cannot go away) the breaker never opens", async () => {
    const { monitor, lines, flag, advance } = harness({ probe: false });
    monitor.failed(lostConnection());
    monitor.suspect();
    await advance(60_000);
    expect(flag.unavailable).toBe(false);
    expect(lines).toHaveLength(1);
  });

  it("a probe detached (its pool ended) leaves the breaker closed: nothing is left to close it", async () => {
    const { monitor, flag, database, advance } = harness({ probe: false });
    database.up = false;
    const detach = monitor.attachProbe(async () => {
      throw pgError("Connection terminated unexpectedly");
    });
    monitor.suspect();
    await advance(0);
    expect(flag.unavailable).toBe(true);
    detach();
    expect(flag.unavailable).toBe(false);
  });

  it("a probe replaced while it runs (a new pool) is asked in its place, so the breaker still closes", async () => {
    const { monitor, flag, database, advance } = harness();
    database.up = false;
    monitor.suspect();
    await advance(0);
    let answer: (() => void) | undefined;
    monitor.attachProbe(() => new Promise<void>((_, reject) => (answer = () => reject(new Error("Connection terminated")))));
    await advance(500);
    expect(answer).toBeDefined();
    monitor.attachProbe(async () => {});
    answer!();
    await advance(0);
    expect(flag.unavailable).toBe(false);
  });

  it("failures with the database up are said once per 5 s too, and a failure after a quiet 5 s starts a burst of its own", async () => {
    const { monitor, lines, advance } = harness();
    const bad = () => new DatabaseQueryError(pgError('duplicate key value violates unique constraint "users_pkey"', "23505"));
    for (let i = 0; i < 10; i++) {
      monitor.failed(bad());
      await advance(100);
    }
    await advance(10_000);
    monitor.failed(bad());
    expect(lines).toEqual([
      'database query failed: duplicate key value violates unique constraint "users_pkey"',
      "database query failed: 9 more failures in the last 5 s",
      'database query failed: duplicate key value violates unique constraint "users_pkey"',
    ]);
  });

  it("the same error reported twice (Next.js's print and onRequestError) is counted once; anything else is not the monitor's", async () => {
    const { monitor, lines, advance } = harness();
    const error = lostConnection();
    monitor.failed(error);
    monitor.failed(error);
    monitor.failed(new Error("AUTH_SECRET is not set"));
    monitor.failed("a string");
    await advance(10_000);
    expect(lines).toEqual(["database unavailable: Connection terminated unexpectedly"]);
  });

  it("no line holds a statement or its parameters, even from drizzle's own error", async () => {
    const { monitor, lines, advance } = harness();
    monitor.failed(new DrizzleQueryError("select * from members where name ilike $1 and organization_id = $2", ["somesearch%", "org-9a7b"], pgError("Connection terminated unexpectedly")));
    await advance(0);
    expect(lines.join("\n")).not.toMatch(/Failed query|params|select|somesearch|org-9a7b/);
  });
});

describe("which errors are database failures, and which of them mean the server is out of reach", () => {
  it.each([
    ["a lost connection", pgError("Connection terminated unexpectedly"), true],
    ["a refused connection", econnrefused(), true],
    ["PostgreSQL shutting down (57P01)", pgError("terminating connection due to administrator command", "57P01"), true],
    ["PostgreSQL starting up (57P03)", pgError("the database system is starting up", "57P03"), true],
    ["a connection exception (08006)", pgError("connection failure", "08006"), true],
    ["a database closed to connections", pgError('database "c2fa" is not currently accepting connections', "55000"), true],
    ["a constraint violation", pgError('duplicate key value violates unique constraint "users_pkey"', "23505"), false],
    ["an idle session timeout (57P05)", pgError("terminating connection due to idle-session timeout", "57P05"), false],
  ])("%s: a database failure once a query throws it, a connection failure only when the server is out of reach", (_, driverError, connection) => {
    expect(isConnectionFailure(new DatabaseQueryError(driverError))).toBe(connection);
    expect(isDatabaseFailure(new DatabaseQueryError(driverError))).toBe(true);
    // the driver's own error, never wrapped by a query, is not taken for the database's
    expect(isDatabaseFailure(driverError)).toBe(false);
  });
});
