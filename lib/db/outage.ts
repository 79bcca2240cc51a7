import { outageFlag, type OutageFlag } from "./outage-flag";
import { databaseReason, isConnectionFailure, isDatabaseFailure } from "./query-error";

/**
 * The one place that says database failures in the server log, and the breaker behind the
 * middleware's 503. A burst of failures is said once: its first failure, then at most one line per
 * `summaryEveryMs` counting the rest, then one line when the database is back. A connection
 * failure (or a pool's lost connection) has the database probed; a failed probe opens the breaker
 * (the flag the middleware reads), which a probe every `probeEveryMs` closes once it succeeds.
 * Without a probe (PGlite lives in the process and cannot go away) the breaker never opens.
 */
export interface OutageMonitor {
  /** A request's database failure. Anything that is not one (see isDatabaseFailure) is ignored. */
  failed(error: unknown): void;
  /** A sign that a connection was lost outside any request (the pool's error event): probe, say nothing unless down. */
  suspect(): void;
  /** The database's probe (a `select 1`); the newest attached is used. Returns its detach. */
  attachProbe(probe: () => Promise<unknown>): () => void;
}

export interface OutageMonitorDeps {
  now(): number;
  /** Runs `fn` once after `ms` (an unref'd timer on the server). */
  schedule(fn: () => void, ms: number): void;
  log(line: string): void;
  flag: OutageFlag;
  /** @default 5000 */
  summaryEveryMs?: number;
  /** @default 500 */
  probeEveryMs?: number;
}

interface Burst {
  lastLineAt: number;
  lastFailureAt: number;
  /** failures since the last line (requests refused by the flag are in the flag's count) */
  unsaid: number;
  flushPending: boolean;
}

export function createOutageMonitor(deps: OutageMonitorDeps): OutageMonitor {
  const summaryEveryMs = deps.summaryEveryMs ?? 5_000;
  const probeEveryMs = deps.probeEveryMs ?? 500;
  const said = new WeakSet<object>();
  let probe: (() => Promise<unknown>) | null = null;
  let probing = false;
  let openedAt: number | null = null;
  let burst: Burst | null = null;

  const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 100) / 10)} s`;
  const failures = (n: number) => `${n} more failure${n === 1 ? "" : "s"}`;
  const takeUnsaid = () => {
    const n = (burst?.unsaid ?? 0) + deps.flag.refused;
    if (burst) burst.unsaid = 0;
    deps.flag.refused = 0;
    return n;
  };

  function startBurst(line: string) {
    const now = deps.now();
    burst = { lastLineAt: now, lastFailureAt: now, unsaid: 0, flushPending: false };
    deps.flag.refused = 0;
    deps.log(line);
  }

  function scheduleFlush() {
    if (!burst || burst.flushPending) return;
    burst.flushPending = true;
    deps.schedule(flush, Math.max(0, burst.lastLineAt + summaryEveryMs - deps.now()));
  }

  function flush() {
    if (!burst) return;
    burst.flushPending = false;
    const now = deps.now();
    const since = now - burst.lastLineAt;
    const n = takeUnsaid();
    if (n === 0) return;
    deps.log(`${openedAt === null ? "database query failed" : "database unavailable"}: ${failures(n)} in the last ${seconds(since)}`);
    burst.lastLineAt = now;
  }

  function check() {
    if (!probe || probing) return;
    probing = true;
    const probed = probe;
    // a probe replaced meanwhile (a new pool) answers for nothing: the new one is asked
    probed().then(
      () => {
        probing = false;
        if (probed !== probe) return check();
        if (openedAt === null) return;
        const n = takeUnsaid();
        deps.log(`database available again after ${seconds(deps.now() - openedAt)}${n ? `; ${failures(n)} since the last line` : ""}`);
        close();
      },
      (error: unknown) => {
        probing = false;
        if (probed !== probe) return check();
        if (openedAt === null) {
          openedAt = deps.now();
          deps.flag.unavailable = true;
          if (!burst) startBurst(`database unavailable: ${databaseReason(error)}`);
        } else if (deps.flag.refused > 0) {
          scheduleFlush();
        }
        deps.schedule(check, probeEveryMs);
      },
    );
  }

  function close() {
    openedAt = null;
    deps.flag.unavailable = false;
    deps.flag.refused = 0;
    burst = null;
  }

  return {
    failed(error) {
      if (!isDatabaseFailure(error)) return;
      if (typeof error === "object" && error !== null) {
        if (said.has(error)) return;
        said.add(error);
      }
      const connection = isConnectionFailure(error);
      const now = deps.now();
      // a burst of failures with the database up ends when they stop for a while
      if (burst && openedAt === null && now - burst.lastFailureAt >= summaryEveryMs) {
        flush();
        burst = null;
      }
      if (!burst) {
        startBurst(`${connection ? "database unavailable" : "database query failed"}: ${databaseReason(error)}`);
      } else {
        burst.unsaid += 1;
        burst.lastFailureAt = now;
        scheduleFlush();
      }
      if (connection) check();
    },
    suspect: check,
    attachProbe(next) {
      probe = next;
      return () => {
        if (probe !== next) return;
        probe = null;
        // nothing can close it any more: the pool is gone
        if (openedAt !== null) close();
      };
    },
  };
}

const KEY = Symbol.for("connect2fa.databaseOutageMonitor");

/** The process's monitor, shared by every bundle's copy of this module (instrumentation, pages, routes). */
export function databaseOutage(): OutageMonitor {
  const store = globalThis as { [KEY]?: OutageMonitor };
  store[KEY] ??= createOutageMonitor({
    now: Date.now,
    schedule: (fn, ms) => void setTimeout(fn, ms).unref(),
    log: (line) => console.error(line),
    flag: outageFlag(),
  });
  return store[KEY];
}

/** Says a failure through the one place when it is a database failure; tells whether it was. */
export function reportDatabaseFailure(error: unknown): boolean {
  if (!isDatabaseFailure(error)) return false;
  databaseOutage().failed(error);
  return true;
}

const FILTERED = Symbol.for("connect2fa.consoleDatabaseFilter");

/**
 * Next.js prints an error thrown while rendering (console.error) before it calls onRequestError,
 * once per request: a database failure among the arguments goes to the one place instead.
 */
export function routeConsoleDatabaseErrors(): void {
  const current = console.error as typeof console.error & { [FILTERED]?: true };
  if (current[FILTERED]) return;
  const filtered = (...args: unknown[]) => {
    const failures = args.filter(isDatabaseFailure);
    if (failures.length === 0) return current.apply(console, args);
    for (const failure of failures) databaseOutage().failed(failure);
  };
  console.error = Object.assign(filtered, { [FILTERED]: true as const });
}
