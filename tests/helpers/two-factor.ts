import { randomBytes } from "node:crypto";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { eq, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { expect } from "vitest";
import type { Db } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/rows";
import { organizations, type Role } from "@/lib/db/schema";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import { beginAuthenticatorSetup, confirmAuthenticatorSetup } from "@/lib/two-factor/authenticator-app";
import { authenticatorCodeAt } from "@/lib/two-factor/authenticator-code";
import { authenticatorSecretKey } from "@/lib/two-factor/authenticator-secret";
import type { TwoFactorHost } from "@/lib/two-factor/host";
import { twoFactorOptions, type TwoFactorDeps, type TwoFactorOptions } from "@/lib/two-factor/options";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { parsePhoneInput } from "@/lib/two-factor/phone-number";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";
import { continueAfterPassword, resendSignInCode } from "@/lib/two-factor/sign-in";
import { createOrganization, createUser, testClock, testRequest } from "./fixtures";
import { dbWithTransactionHooks } from "./faults";
import { recordingSmsSender, type RecordingSmsSender } from "./sms";

export type TestClock = ReturnType<typeof testClock>;

/** TwoFactorDeps whose clock and sender the test can drive, on the portal's database. */
export interface TestDeps extends TwoFactorDeps {
  db: Db;
  clock: TestClock;
  sms: RecordingSmsSender;
}

export interface DepsOverrides {
  clock?: TestClock;
  sms?: RecordingSmsSender;
  codeKey?: string;
  /** The plugin `secret` the authenticator secrets' key is derived from. @default a random one */
  secret?: string;
  options?: Partial<TwoFactorOptions>;
  /** The host's answers. @default the portal's (lib/two-factor-host.ts) */
  host?: TwoFactorHost;
}

export function makeDeps(db: Db, overrides: DepsOverrides = {}): TestDeps {
  return {
    db,
    clock: overrides.clock ?? testClock(),
    sms: overrides.sms ?? recordingSmsSender(),
    codeKey: overrides.codeKey ?? `test-code-key-${randomBytes(24).toString("hex")}`,
    authenticatorKey: authenticatorSecretKey(overrides.secret ?? `test-secret-${randomBytes(24).toString("hex")}`),
    options: twoFactorOptions(overrides.options),
    host: overrides.host ?? portalTwoFactorHost,
  };
}

/** Same database, clock and key, another sender: e.g. one that fails. */
export function withSender(deps: TestDeps, sms: RecordingSmsSender): TestDeps {
  return { ...deps, sms };
}

let phoneCounter = 0;
const AREA_CODES = ["202", "415", "650", "212", "312", "617"];

/** A valid US number no other test in this file uses (per-phone limits stay apart). */
export function freshPhone(): string {
  const n = phoneCounter++;
  const area = AREA_CODES[Math.floor(n / 10_000) % AREA_CODES.length]!;
  const phone = `+1${area}555${String(n % 10_000).padStart(4, "0")}`;
  const parsed = parsePhoneInput(phone);
  if (!parsed.ok) throw new Error(`test phone ${phone} is not valid: ${parsed.message}`);
  return parsed.e164;
}

/** A pending sign-in of this user with a fresh random nonce, as the password step would seal it. */
export function pendingFor(
  userId: string,
  options: { stage?: PendingSignIn["stage"]; now?: Date; returnTo?: string } = {},
): PendingSignIn {
  return {
    userId,
    nonce: randomBytes(32).toString("base64url"),
    stage: options.stage ?? "challenge",
    createdAt: (options.now ?? new Date()).getTime(),
    returnTo: options.returnTo ?? "/",
  };
}

export interface Enrolled {
  phone: string;
  backupCodes: string[];
  /** the setup attempt's nonce */
  nonce: string;
}

/**
 * Runs "Send code" + "Verify Phone" for the user: a verified phone, 2FA on, 10 backup codes.
 * Uses one SMS of the account's hourly allowance.
 */
export async function enrollUser(
  deps: TestDeps,
  user: { id: string },
  phone: string = freshPhone(),
  options: { selfEnabled?: boolean } = {},
): Promise<Enrolled> {
  const nonce = randomBytes(32).toString("base64url");
  const sent = await sendSetupCode(deps, { userId: user.id, attemptNonce: nonce, phone, request: testRequest() });
  expect(sent, "setup code sent").toMatchObject({ ok: true });
  const done = await completePhoneSetup(deps, {
    userId: user.id,
    attemptNonce: nonce,
    code: deps.sms.lastCodeTo(phone),
    request: testRequest(),
    selfEnabled: options.selfEnabled ?? false,
    signIn: null,
  });
  if (!done.ok) throw new Error(`enrolment failed: ${done.code}`);
  return { phone, backupCodes: done.backupCodes, nonce };
}

/** An organization that requires 2FA (or not), with one member of the given role. */
export async function createOrgUser(db: Db, options: { requireTwoFactor?: boolean; role?: Role } = {}) {
  const org = await createOrganization(db);
  if (options.requireTwoFactor ?? true) {
    await db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, org.id));
  }
  const user = await createUser(db, { organizationId: org.id, role: options.role ?? "member" });
  return { org, user };
}

/** A member of an organization that requires 2FA, enrolled with a fresh phone. */
export async function createEnrolledUser(deps: TestDeps, options: { role?: Role; phone?: string } = {}) {
  const { org, user } = await createOrgUser(deps.db, { role: options.role });
  const enrolled = await enrollUser(deps, user, options.phone ?? freshPhone());
  return { org, user, ...enrolled };
}

/**
 * The password step for a user who gets the SMS challenge: the pending sign-in and the texted code.
 * When the challenge opens with another method (an authenticator app, say), nothing is texted at
 * sign-in: the member chooses SMS and "Resend code", which texts the code.
 */
export async function startChallenge(deps: TestDeps, user: { id: string }, phone: string, deviceToken?: string) {
  const before = deps.sms.messagesTo(phone).length;
  const after = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken, request: testRequest() });
  if (after.next !== "second_factor") throw new Error(`expected a second factor, got ${after.next}`);
  expect(after.pending.stage).toBe("challenge");
  const sent = after.sent ?? (await resendSignInCode(deps, after.pending, testRequest()));
  expect(sent, "challenge code sent").toMatchObject({ ok: true });
  expect(deps.sms.messagesTo(phone).length).toBe(before + 1);
  return { pending: after.pending, code: deps.sms.lastCodeTo(phone) };
}

/** A 6-digit code that is not `code`. */
export function wrongCode(code: string, offset = 1): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, "0");
}

/** Every row of every table in the public schema, as JSON text: to prove a secret is stored nowhere. */
export async function dumpAllRows(db: Db): Promise<string> {
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`),
  ).map((row) => row.table_name);
  expect(tables).toContain("sms_challenges");
  const parts: string[] = [];
  for (const table of tables) {
    const rows = rowsOf<{ row: unknown }>(await db.execute(sql.raw(`select row_to_json(t)::text as row from "${table}" t`)));
    for (const row of rows) parts.push(`${table}: ${String(row.row)}`);
  }
  return parts.join("\n");
}

/** Resolves every waiter once `parties` have arrived; later arrivals pass straight through. */
export function barrier(parties: number) {
  let arrived = 0;
  let release!: () => void;
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  if (parties <= 1) release();
  return {
    wait(): Promise<void> {
      arrived += 1;
      if (arrived >= parties) release();
      return open;
    },
    get arrived() {
      return arrived;
    },
  };
}

/**
 * How many transactions can really be open at once: the postgres.js pool (DATABASE_POOL_SIZE,
 * 10 by default); PGlite runs one transaction at a time.
 */
export function concurrentTransactions(kind: "postgres" | "pglite", wanted: number): number {
  if (kind === "pglite") return 1;
  return Math.min(wanted, Number(process.env.DATABASE_POOL_SIZE ?? 10));
}

/**
 * A Db whose transactions all stop before their first `op` (to `table`, when given; "execute" is a
 * raw statement such as an advisory lock), or before the prepared query `statement` wherever it
 * runs, until `parties` of them have reached that point: every one has read the same state before
 * any writes, the worst case for a check-then-write race.
 */
export function contendedDb(
  db: Db,
  contend: ({ op: "insert" | "update" | "delete" | "execute"; table?: PgTable } | { statement: string }) & { parties: number },
) {
  const gate = barrier(contend.parties);
  const stopped = new WeakSet<object>();
  const hooked = dbWithTransactionHooks(db, {
    outside: "statement" in contend,
    beforeStatement: async ({ op, table, name, unit }) => {
      const matches = "statement" in contend ? name === contend.statement : op === contend.op && (!contend.table || table === contend.table);
      if (!matches || stopped.has(unit)) return;
      stopped.add(unit);
      await gate.wait();
    },
  });
  return { db: hooked, gate };
}

/**
 * Sets up and confirms an authenticator app for the user at the clock's time: the app's secret,
 * as the member's phone would read it from the setup page. Its first code's step is then used.
 */
export async function setUpAuthenticatorApp(deps: TestDeps, user: { id: string }): Promise<{ secret: Uint8Array }> {
  const begun = await beginAuthenticatorSetup(deps, { userId: user.id, request: testRequest() });
  const secret = decodeBase32IgnorePadding(begun.secret);
  const confirmed = await confirmAuthenticatorSetup(deps, { userId: user.id, code: authenticatorCodeAt(secret, deps.clock.now()), request: testRequest() });
  if (!confirmed.ok) throw new Error(`authenticator setup failed: ${confirmed.code}`);
  return { secret };
}
