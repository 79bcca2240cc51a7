import { randomBytes } from "node:crypto";
import net from "node:net";
import { sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/lib/db/client";
import { withAdminConnection } from "@/lib/db/admin";
import { rowsOf } from "@/lib/db/rows";
import type { SmsFailureReason } from "@/lib/sms/sender";
import { createVonageSmsSender } from "@/lib/sms/vonage-sender";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import { authenticatorSecretKey } from "@/lib/two-factor/authenticator-secret";
import { twoFactorOptions, type TwoFactorDeps, type TwoFactorOptions } from "@/lib/two-factor/options";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";
import type { FakeVonage, FakeVonageMode } from "../fakes/vonage-server";
import { testClock, testRequest } from "./fixtures";
import { extractCode } from "./sms";
import type { TestClock } from "./two-factor";

// ---------------------------------------------------------------------------------------------
// Vonage faults: the documented SMS API error statuses, HTTP errors and a hang.
// ---------------------------------------------------------------------------------------------

/** The SMS API's non-zero statuses, as documented at developer.vonage.com/en/api-errors/sms. */
export const VONAGE_ERROR_STATUSES: [status: string, errorText: string][] = [
  ["1", "Throttled"],
  ["2", "Missing Parameters"],
  ["3", "Invalid Parameters"],
  ["4", "Invalid Credentials"],
  ["5", "Internal Error"],
  ["6", "Invalid Message"],
  ["7", "Number Barred"],
  ["8", "Partner Account Barred"],
  ["9", "Partner Quota Violation"],
  ["10", "Too Many Existing Binds"],
  ["11", "Account Not Enabled For HTTP"],
  ["12", "Message Too Long"],
  ["14", "Invalid Signature"],
  ["15", "Invalid Sender Address"],
  ["22", "Invalid Network Code"],
  ["23", "Invalid Callback Url"],
  ["29", "Non-Whitelisted Destination"],
  ["32", "Signature And API Secret Disallowed"],
  ["33", "Number De-activated"],
];

export interface VonageFault {
  name: string;
  mode: FakeVonageMode;
  /** What the sender reports (and the audit event records). */
  reason: SmsFailureReason;
}

export const VONAGE_FAULTS: VonageFault[] = [
  ...VONAGE_ERROR_STATUSES.map(([status, errorText]): VonageFault => ({
    name: `Vonage status ${status} (${errorText})`,
    mode: { kind: "status", status, errorText },
    reason: "rejected",
  })),
  ...[500, 502, 503, 504].map((status): VonageFault => ({ name: `HTTP ${status}`, mode: { kind: "http", status }, reason: "unavailable" })),
  { name: "no answer until the timeout", mode: { kind: "hang" }, reason: "timeout" },
];

export const FAKE_VONAGE_CREDENTIALS = { apiKey: "faults-key", apiSecret: "faults-secret" };

/** TwoFactorDeps with the real Vonage sender (the SDK) pointed at a fake Vonage. */
export interface VonageDeps extends TwoFactorDeps {
  clock: TestClock;
  fake: FakeVonage;
  /** The code of the newest message the fake accepted for this number. */
  lastCodeTo(phone: string): string;
  /** How many messages the fake accepted for this number. */
  deliveredTo(phone: string): number;
}

export function vonageDeps(
  db: Db,
  fake: FakeVonage,
  overrides: { clock?: TestClock; options?: Partial<TwoFactorOptions>; timeoutMs?: number } = {},
): VonageDeps {
  const digits = (phone: string) => phone.replace(/\D/g, "");
  const to = (phone: string) => fake.messages.filter((m) => digits(m.to) === digits(phone));
  return {
    db,
    clock: overrides.clock ?? testClock(),
    sms: createVonageSmsSender({
      ...FAKE_VONAGE_CREDENTIALS,
      from: "Connect",
      restHost: fake.url,
      timeoutMs: overrides.timeoutMs ?? 300,
    }),
    codeKey: `faults-code-key-${randomBytes(24).toString("hex")}`,
    authenticatorKey: authenticatorSecretKey(`faults-secret-${randomBytes(24).toString("hex")}`),
    options: twoFactorOptions(overrides.options),
    host: portalTwoFactorHost,
    fake,
    lastCodeTo(phone) {
      const last = to(phone).at(-1);
      if (!last) throw new Error(`fake Vonage accepted no SMS for ${phone}`);
      return extractCode(last.text);
    },
    deliveredTo: (phone) => to(phone).length,
  };
}

/** "Send code" + "Verify Phone" through the given deps (any sender): a verified phone and 10 backup codes. */
export async function enrollThrough(deps: TwoFactorDeps, user: { id: string }, phone: string, lastCodeTo: (phone: string) => string) {
  const nonce = randomBytes(32).toString("base64url");
  const sent = await sendSetupCode(deps, { userId: user.id, attemptNonce: nonce, phone, request: testRequest() });
  if (!sent.ok) throw new Error(`setup code not sent: ${sent.code}`);
  const done = await completePhoneSetup(deps, {
    userId: user.id,
    attemptNonce: nonce,
    code: lastCodeTo(phone),
    request: testRequest(),
    selfEnabled: false,
    signIn: null,
  });
  if (!done.ok) throw new Error(`enrolment failed: ${done.code}`);
  return { phone, backupCodes: done.backupCodes, nonce };
}

// ---------------------------------------------------------------------------------------------
// Database faults: hooks run just before each statement of a transaction, and before its COMMIT.
// ---------------------------------------------------------------------------------------------

const STATEMENT_OPS = new Set(["select", "selectDistinct", "selectDistinctOn", "insert", "update", "delete", "execute", "with"]);
/** Builder steps that lead to the runnable query: select(..).from(..), insert(..).values(..), update(..).set(..), with(..).select(..).from(..) */
const BUILDER_STEPS = ["from", "values", "set", "select", "insert", "update", "delete"];

export interface StatementContext {
  /** 1 for the first statement the flow runs (through this Db), 2 for the next... */
  index: number;
  op: string;
  /** the table given to insert/update/delete, or undefined */
  table: unknown;
  /** the name of a prepared query (lib/db/prepared.ts), or undefined */
  name: string | undefined;
  /**
   * the transaction itself, without hooks: to run a statement of the test's own on its connection;
   * null for a statement outside any transaction (its connection is only taken when it is sent)
   */
  tx: Db | null;
  /** the same object for every statement of one transaction; a new one for each statement outside */
  unit: object;
}

export interface TransactionHooks {
  /** Runs when a statement is awaited, before it is sent; a throw makes the statement fail. */
  beforeStatement?: (ctx: StatementContext) => Promise<void> | void;
  /** Runs after the transaction's callback resolved, before COMMIT; a throw rolls it back. */
  beforeCommit?: (tx: Db) => Promise<void> | void;
  /** Hook the statements outside transactions too, counted in the same order. @default false */
  outside?: boolean;
}

type Thenable = { then: PromiseLike<unknown>["then"] };
type Preparable = { prepare?: (name: string) => { execute: (values?: unknown) => Promise<unknown> } };

/**
 * A Db whose transactions call the hooks around their statements (and, with `outside`, every
 * statement). Drizzle's builders return `this` from where/limit/..., so holding `then` of the
 * builder holds the statement however it is finished; a prepared query is held at `execute`.
 */
export function dbWithTransactionHooks(db: Db, hooks: TransactionHooks): Db {
  let index = 0;
  const before = (op: string, table: unknown, name: string | undefined, tx: Db | null, unit: object | null) =>
    hooks.beforeStatement?.({ index: ++index, op, table, name, tx, unit: unit ?? {} });

  const hold = (query: Thenable & Preparable, op: string, table: unknown, tx: Db | null, unit: object | null) => {
    const then = query.then.bind(query);
    query.then = ((onFulfilled, onRejected) =>
      Promise.resolve()
        .then(() => before(op, table, undefined, tx, unit))
        .then(() => then(onFulfilled, onRejected), onRejected)) as Thenable["then"];
    const prepare = query.prepare?.bind(query);
    if (prepare) {
      query.prepare = (name: string) => {
        const prepared = prepare(name);
        const execute = prepared.execute.bind(prepared);
        prepared.execute = (values?: unknown) => Promise.resolve().then(() => before(op, table, name, tx, unit)).then(() => execute(values));
        return prepared;
      };
    }
    return query;
  };
  const hookBuilder = (builder: unknown, op: string, table: unknown, tx: Db | null, unit: object | null): unknown => {
    const step = builder as Record<string, unknown> & Thenable;
    if (typeof step.then === "function") return hold(step, op, table, tx, unit);
    for (const name of BUILDER_STEPS) {
      const original = step[name];
      if (typeof original === "function") {
        step[name] = (...a: unknown[]) => {
          const next = (original as (...args: unknown[]) => unknown).apply(builder, a);
          const nextTable = name === "insert" || name === "update" || name === "delete" ? a[0] : table;
          return hookBuilder(next, op === "with" ? name : op, nextTable, tx, unit);
        };
      }
    }
    return builder;
  };
  // `target` is the root (tx null) or one transaction, whose statements share `unit`.
  const hooked = (target: object, tx: Db | null, unit: object | null): Db =>
    new Proxy(target, {
      get(inner, prop, receiver) {
        const value = Reflect.get(inner, prop, receiver) as unknown;
        if (typeof prop === "string" && STATEMENT_OPS.has(prop) && typeof value === "function") {
          return (...args: unknown[]) => {
            const builder = (value as (...a: unknown[]) => unknown).apply(inner, args);
            const table = prop === "insert" || prop === "update" || prop === "delete" ? args[0] : undefined;
            return hookBuilder(builder, prop, table, tx, unit);
          };
        }
        if (prop === "transaction" && tx === null) {
          return (fn: (t: object) => Promise<unknown>, config?: unknown) =>
            (inner as Db).transaction(async (t) => {
              const result = await fn(hooked(t, t as unknown as Db, {}));
              await hooks.beforeCommit?.(t as unknown as Db);
              return result;
            }, config as never);
        }
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(inner) : value;
      },
    }) as Db;
  const root = hooked(db, null, null);
  if (hooks.outside) return root;
  // Without `outside`, only `transaction` is wrapped: the root's own statements go through untouched.
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "transaction") return root.transaction;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A Db whose transactions throw at a given write (an insert, update or delete of `table`): a crash
 * in the middle of a multi-step transaction. Writes outside transactions go through. Tables match
 * by SQL name: the core writes the users table through its own declaration (twoFactorUsers).
 */
export function dbFailingInTransaction(db: Db, failOn: { op: "insert" | "update" | "delete"; table: PgTable; error?: Error }): Db {
  const error = failOn.error ?? new Error(`injected failure: ${failOn.op}`);
  return dbWithTransactionHooks(db, {
    beforeStatement: ({ op, table }) => {
      if (op === failOn.op && table && tableName(table) === tableName(failOn.table)) throw error;
    },
  });
}

/**
 * Runs `flow` against a hooked Db and lists the statements it ran, in order: all of them, or with
 * `outside: false` those of its transactions.
 */
export async function statementsOf<T>(db: Db, flow: (db: Db) => Promise<T>, options: { outside?: boolean } = {}): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const hooked = dbWithTransactionHooks(db, {
    outside: options.outside ?? true,
    beforeStatement: ({ op, table, name }) => {
      statements.push(`${op}${table ? ` ${tableName(table)}` : ""}${name ? ` (${name})` : ""}`);
    },
  });
  return { result: await flow(hooked), statements };
}

/** A database error as postgres.js or PGlite would raise it. */
export class InjectedDatabaseError extends Error {
  constructor(where: string) {
    super(`injected database failure ${where}`);
    this.name = "InjectedDatabaseError";
  }
}

/**
 * A Db that fails at the `n`-th statement (1-based) of the flow, in a transaction or not, or at
 * COMMIT with n = "commit".
 */
export function dbFailingAtStatement(db: Db, n: number | "commit"): Db {
  return dbWithTransactionHooks(db, {
    outside: true,
    beforeStatement: ({ index, op, table }) => {
      if (index === n) throw new InjectedDatabaseError(`at statement ${index} (${op}${table ? ` ${tableName(table)}` : ""})`);
    },
    beforeCommit: () => {
      if (n === "commit") throw new InjectedDatabaseError("at commit");
    },
  });
}

/**
 * A Db whose transactions lose their PostgreSQL connection for real: before the `n`-th statement
 * of its transactions (or before COMMIT) an admin connection terminates the transaction's backend
 * (pg_terminate_backend), so the statement and the transaction fail as on a server restart.
 * Statements outside transactions are not counted: the pool takes their connection only when
 * they are sent, so there is none to end beforehand.
 */
export function dbTerminatedAtStatement(db: Db, n: number | "commit", adminUrl: string): Db & { terminated: () => number } {
  let terminated = 0;
  const kill = async (tx: Db) => {
    await terminateBackendOf(tx, adminUrl);
    terminated += 1;
  };
  const hooked = dbWithTransactionHooks(db, {
    beforeStatement: async ({ index, tx }) => {
      if (index === n) await kill(tx!);
    },
    beforeCommit: async (tx) => {
      if (n === "commit") await kill(tx);
    },
  });
  return Object.assign(hooked, { terminated: () => terminated });
}

/** Ends the PostgreSQL backend that serves `tx`, from another connection, and waits until it is gone. */
export async function terminateBackendOf(tx: Db, adminUrl: string): Promise<void> {
  const [row] = rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid`));
  const done = await withAdminConnection(adminUrl, async (admin) => {
    const result = await admin.query<{ ok: boolean }>("select pg_terminate_backend($1::int, 5000) as ok", [row!.pid]);
    return result.rows[0]?.ok === true;
  });
  if (!done) throw new Error(`could not terminate backend ${row!.pid}`);
}

function tableName(table: unknown): string {
  const symbols = Object.getOwnPropertySymbols(table ?? {});
  const nameSymbol = symbols.find((s) => s.description === "drizzle:Name");
  return nameSymbol ? String((table as Record<symbol, unknown>)[nameSymbol]) : "?";
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Settled<T> =
  | { status: "fulfilled"; value: T }
  | { status: "rejected"; error: unknown }
  /** neither resolved nor rejected within the time given */
  | { status: "hung" };

/** How a call ended, waiting at most `ms`: a hang is an outcome, not a test timeout. */
export function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ status: "hung" }), ms);
  });
  const settled = promise.then(
    (value): Settled<T> => ({ status: "fulfilled", value }),
    (error: unknown): Settled<T> => ({ status: "rejected", error }),
  );
  return Promise.race([settled, hung]).finally(() => clearTimeout(timer));
}

/** The URL of the database behind `db` on the server of `adminUrl` (for a second, independent client). */
export async function databaseUrlOf(db: Db, adminUrl: string): Promise<string> {
  const [row] = rowsOf<{ name: string }>(await db.execute(sql`select current_database() as name`));
  const url = new URL(adminUrl);
  url.pathname = `/${row!.name}`;
  return url.toString();
}

/** Collects uncaught exceptions and unhandled rejections while installed (a driver crashing in a timer). */
export function collectProcessErrors() {
  const errors: string[] = [];
  const onError = (error: unknown) => {
    errors.push(error instanceof Error ? `${error.name}: ${error.message}${error.stack ? ` @ ${error.stack.split("\n")[1]?.trim()}` : ""}` : String(error));
  };
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  return {
    errors,
    stop() {
      process.off("uncaughtException", onError);
      process.off("unhandledRejection", onError);
    },
  };
}

/** A local TCP port nothing listens on (bound, then released): a server that is down. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
