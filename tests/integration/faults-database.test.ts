import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { requestPasswordReset, resetPasswordWithToken } from "@/lib/auth/password-reset";
import { consumeSignInTicket } from "@/lib/two-factor/sign-in-ticket";
import { sha256 } from "@/lib/crypto";
import { openDatabase, type DatabaseHandle, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { auditEvents, passwordCredentials, passwordResetTokens, signInTickets, smsChallenges, trustedDevices, users } from "@/lib/db/schema";
import { countUnusedBackupCodes } from "@/lib/two-factor/backup-codes";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { trustDevice } from "@/lib/two-factor/trusted-devices";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender, tokenOf } from "../helpers/email";
import {
  collectProcessErrors,
  databaseUrlOf,
  dbFailingAtStatement,
  dbTerminatedAtStatement,
  dbWithTransactionHooks,
  InjectedDatabaseError,
  settleWithin,
  sleep,
  statementsOf,
} from "../helpers/faults";
import { testRequest } from "../helpers/fixtures";
import {
  createEnrolledUser,
  createOrgUser,
  dumpAllRows,
  enrollUser,
  freshPhone,
  makeDeps,
  pendingFor,
  startChallenge,
  type TestDeps,
} from "../helpers/two-factor";

// Issue 4, item 7: the database going away in the middle of a flow. Each flow is run once per
// statement it sends, failing at that statement, and once more failing at COMMIT: every run must
// reject (so no ticket, session or "success" reaches the user) and leave every table exactly as it
// was; then the same input succeeds once the database is back.
//
// The failure is injected (an error at the chosen statement) on both databases, and real on
// PostgreSQL: the transaction's backend is terminated with pg_terminate_backend from an admin
// connection. PGlite's close() waits for the running transaction (it takes the transaction mutex),
// so closing the embedded database mid-flow lets the transaction finish: checked too, across a reopen.

interface Flow {
  /** The same call, on whichever Db it is given. */
  run(db: Db): Promise<unknown>;
  /** The effects of a committed run, read from `db` (e.g. after reopening the database). */
  committed(db: Db): Promise<void>;
  /** The user's next try once the database is back: it succeeds. */
  retry(): Promise<void>;
}

type FlowFactory = (h: DatabaseHandle, d: TestDeps) => Promise<Flow>;

const on = (d: TestDeps, db: Db): TestDeps => ({ ...d, db });
const userRow = async (db: Db, id: string) => (await db.select().from(users).where(eq(users.id, id)))[0]!;
const ticketsOf = (db: Db, userId: string) => db.select().from(signInTickets).where(eq(signInTickets.userId, userId));
/** A completed second factor commits its audit event with the code's consumption: the session's only trace. */
const secondFactorSuccessesOf = (db: Db, userId: string) =>
  db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, "sign_in.second_factor_succeeded")));
const challengesOf = (db: Db, userId: string, nonce: string) =>
  db.select().from(smsChallenges).where(and(eq(smsChallenges.userId, userId), eq(smsChallenges.attemptHash, sha256(nonce))));

// ---- the flows ----

const phoneSetupFlow: FlowFactory = async (h, d) => {
  const { user } = await createOrgUser(h.db);
  const phone = freshPhone();
  const nonce = pendingFor(user.id).nonce;
  expect(await sendSetupCode(d, { userId: user.id, attemptNonce: nonce, phone, request: testRequest() })).toMatchObject({ ok: true });
  const input = { userId: user.id, attemptNonce: nonce, code: d.sms.lastCodeTo(phone), request: testRequest(), selfEnabled: false, signIn: { userId: user.id, createdAt: d.clock.now().getTime(), stage: "setup" as const } };
  const flow: Flow = {
    run: (db) => completePhoneSetup(on(d, db), input),
    async committed(db) {
      expect(await userRow(db, user.id)).toMatchObject({ phoneE164: phone, phoneVerifiedAt: expect.any(Date), twoFactorEnabledAt: expect.any(Date) });
      expect(await countUnusedBackupCodes(db, user.id)).toBe(10);
      expect(await ticketsOf(db, user.id)).toHaveLength(1);
      expect((await challengesOf(db, user.id, nonce))[0]?.consumedAt).toEqual(expect.any(Date));
    },
    async retry() {
      expect(await userRow(h.db, user.id)).toMatchObject({ phoneE164: null, phoneVerifiedAt: null, twoFactorEnabledAt: null });
      const done = await completePhoneSetup(d, input);
      if (!done.ok) throw new Error(`the retry failed: ${done.code}`);
      await flow.committed(h.db);
      expect((await consumeSignInTicket(h.db, done.ticket!, d.clock.now()))?.userId).toBe(user.id);
    },
  };
  return flow;
};

const phoneChangeFlow: FlowFactory = async (h, d) => {
  const { user } = await createOrgUser(h.db);
  const old = await enrollUser(d, user);
  const device = await trustDevice(h.db, { userId: user.id, userAgent: "vitest", now: d.clock.now() }, d.options);
  d.clock.advance(60_000);
  const phone = freshPhone();
  const nonce = pendingFor(user.id).nonce;
  expect(await sendSetupCode(d, { userId: user.id, attemptNonce: nonce, phone, request: testRequest() })).toMatchObject({ ok: true });
  const input = { userId: user.id, attemptNonce: nonce, code: d.sms.lastCodeTo(phone), request: testRequest(), selfEnabled: false, signIn: null };
  const flow: Flow = {
    run: (db) => completePhoneSetup(on(d, db), input),
    async committed(db) {
      expect((await userRow(db, user.id)).phoneE164).toBe(phone);
      expect(await countUnusedBackupCodes(db, user.id)).toBe(10);
      const [trusted] = await db.select().from(trustedDevices).where(eq(trustedDevices.tokenHash, sha256(device.token)));
      expect(trusted?.revokedAt).toEqual(expect.any(Date));
    },
    async retry() {
      // until the change commits, the old phone, its backup codes and the trusted device all still work
      expect((await userRow(h.db, user.id)).phoneE164).toBe(old.phone);
      expect(await countUnusedBackupCodes(h.db, user.id)).toBe(10);
      const trusted = await continueAfterPassword(d, { userId: user.id, returnTo: "/", deviceToken: device.token, request: testRequest() });
      expect(trusted.next).toBe("session");
      expect(await completePhoneSetup(d, input)).toMatchObject({ ok: true, phoneChanged: true });
      await flow.committed(h.db);
    },
  };
  return flow;
};

/** The SMS step; with "Trust this device" it is a transaction, without it a read and one statement. */
const smsSignIn = (trustThisDevice: boolean): FlowFactory => async (h, d) => {
  const { user, phone } = await createEnrolledUser(d);
  const { pending, code } = await startChallenge(d, user, phone);
  const input = { pending, code, trustThisDevice, request: testRequest() };
  const flow: Flow = {
    run: (db) => completeWithSmsCode(on(d, db), input),
    async committed(db) {
      expect((await challengesOf(db, user.id, pending.nonce))[0]).toMatchObject({ consumedAt: expect.any(Date), attempts: 1 });
      expect(await secondFactorSuccessesOf(db, user.id)).toHaveLength(1);
      expect(await db.select().from(trustedDevices).where(eq(trustedDevices.userId, user.id))).toHaveLength(trustThisDevice ? 1 : 0);
    },
    async retry() {
      expect((await challengesOf(h.db, user.id, pending.nonce))[0]).toMatchObject({ consumedAt: null, voidedAt: null, attempts: 0 });
      expect(await secondFactorSuccessesOf(h.db, user.id)).toEqual([]);
      const done = await completeWithSmsCode(d, input);
      if (!done.ok) throw new Error(`the retry failed: ${done.code}`);
      await flow.committed(h.db);
      expect(done.session).toMatchObject({ userId: user.id, amr: ["pwd", "sms"] });
      expect(await completeWithSmsCode(d, input)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    },
  };
  return flow;
};

const backupCodeSignInFlow: FlowFactory = async (h, d) => {
  const { user, backupCodes: codes } = await createEnrolledUser(d);
  const pending = pendingFor(user.id, { now: d.clock.now() });
  const input = { pending, code: codes[3]!, trustThisDevice: true, request: testRequest() };
  const flow: Flow = {
    run: (db) => completeWithBackupCode(on(d, db), input),
    async committed(db) {
      expect(await countUnusedBackupCodes(db, user.id)).toBe(9);
      expect(await secondFactorSuccessesOf(db, user.id)).toHaveLength(1);
    },
    async retry() {
      expect(await countUnusedBackupCodes(h.db, user.id)).toBe(10);
      expect((await userRow(h.db, user.id)).secondFactorFailures).toBe(0);
      const done = await completeWithBackupCode(d, input);
      if (!done.ok) throw new Error(`the retry failed: ${done.code}`);
      expect(done.backupCodesRemaining).toBe(9);
      await flow.committed(h.db);
      expect(done.session).toMatchObject({ userId: user.id, amr: ["pwd", "backup_code"] });
      expect(await completeWithBackupCode(d, input)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    },
  };
  return flow;
};

const wrongBackupCodeFlow: FlowFactory = async (h, d) => {
  const { user } = await createEnrolledUser(d);
  const pending = pendingFor(user.id, { now: d.clock.now() });
  const input = { pending, code: "ZZZZ-ZZZZ-ZZZZ", trustThisDevice: false, request: testRequest() };
  const flow: Flow = {
    run: (db) => completeWithBackupCode(on(d, db), input),
    async committed(db) {
      expect((await userRow(db, user.id)).secondFactorFailures).toBe(1);
    },
    async retry() {
      expect((await userRow(h.db, user.id)).secondFactorFailures).toBe(0);
      expect(await completeWithBackupCode(d, input)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
      await flow.committed(h.db);
    },
  };
  return flow;
};

const passwordResetFlow: FlowFactory = async (h, d) => {
  const { user, phone } = await createEnrolledUser(d);
  const device = await trustDevice(h.db, { userId: user.id, userAgent: "vitest", now: d.clock.now() }, d.options);
  const { pending, code } = await startChallenge(d, user, phone);
  const email = recordingEmailSender();
  // The email and its audit event run after the answer: waited for here, so the snapshot the
  // flow is compared with already holds them.
  const deferred: Promise<void>[] = [];
  const defer = (task: () => Promise<void>) => void deferred.push(task());
  await requestPasswordReset({ db: h.db, clock: d.clock, email, appUrl: "https://connect.example.test", defer }, { email: user.email, request: testRequest() });
  await Promise.all(deferred);
  const token = tokenOf(email.lastLinkTo(user.email));
  const [credentialBefore] = await h.db.select().from(passwordCredentials).where(eq(passwordCredentials.userId, user.id));
  const validAfterBefore = (await userRow(h.db, user.id)).sessionsValidAfter;
  d.clock.advance(1_000);
  const input = { token, newPassword: "a brand new passphrase", request: testRequest() };
  const flow: Flow = {
    run: (db) => resetPasswordWithToken({ db, clock: d.clock }, input),
    async committed(db) {
      const [credential] = await db.select().from(passwordCredentials).where(eq(passwordCredentials.userId, user.id));
      expect(credential?.hash).not.toBe(credentialBefore?.hash);
      // sessions issued before the reset (by the test's clock) end
      expect((await userRow(db, user.id)).sessionsValidAfter).toEqual(d.clock.now());
      expect(await db.select().from(passwordResetTokens).where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt)))).toEqual([]);
      const [trusted] = await db.select().from(trustedDevices).where(eq(trustedDevices.tokenHash, sha256(device.token)));
      expect(trusted?.revokedAt).toEqual(expect.any(Date));
      expect((await challengesOf(db, user.id, pending.nonce))[0]?.voidedAt).toEqual(expect.any(Date));
    },
    async retry() {
      const [credential] = await h.db.select().from(passwordCredentials).where(eq(passwordCredentials.userId, user.id));
      expect(credential?.hash).toBe(credentialBefore?.hash);
      expect((await userRow(h.db, user.id)).sessionsValidAfter).toEqual(validAfterBefore);
      const signIn = { email: user.email, request: testRequest() };
      expect(await checkPassword({ db: h.db, clock: d.clock }, { ...signIn, password: user.password })).toMatchObject({ ok: true });

      expect(await resetPasswordWithToken({ db: h.db, clock: d.clock }, input)).toEqual({ ok: true });
      await flow.committed(h.db);
      expect(await checkPassword({ db: h.db, clock: d.clock }, { ...signIn, password: input.newPassword })).toMatchObject({ ok: true });
      expect(await continueAfterPassword(d, { userId: user.id, returnTo: "/", deviceToken: device.token, request: testRequest() })).toMatchObject({
        next: "second_factor",
      });
      expect(await completeWithSmsCode(d, { pending, code, trustThisDevice: false, request: testRequest() })).toEqual({ ok: false, code: "SIGN_IN_ENDED" });
    },
  };
  return flow;
};

const FLOWS: [string, FlowFactory][] = [
  ["completePhoneSetup (Verify Phone during sign-in): the phone is never marked verified, no backup codes, no ticket, the code is not consumed", phoneSetupFlow],
  ["completePhoneSetup (changing the phone): the old phone, its backup codes and the trusted devices stay", phoneChangeFlow],
  ["completeWithSmsCode (trusting the device): no ticket, no trusted device, the code is not consumed and no try is used", smsSignIn(true)],
  ["completeWithBackupCode: no ticket, the backup code is not used", backupCodeSignInFlow],
  ["completeWithBackupCode with a wrong code: a failure that could not be recorded is not counted", wrongBackupCodeFlow],
  ["resetPasswordWithToken: the password hash, sessions, trusted devices and texted codes are unchanged, the link still works", passwordResetFlow],
];

describe.each(databaseTargets())("the database failing in the middle of a flow on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  /** Every row of every table, order-independent. */
  const snapshot = async () => (await dumpAllRows(handle.db)).split("\n").sort();

  /** How many statements the flow's transactions send: counted on a run that fails at COMMIT. */
  /** The flow's statements: all of them, or with `outside: false` those of its transactions. */
  async function countStatements(flow: Flow, outside: boolean): Promise<number> {
    const { statements } = await statementsOf(
      dbFailingAtStatement(handle.db, "commit"),
      async (db) => {
        await expect(flow.run(db)).rejects.toThrow(InjectedDatabaseError);
      },
      { outside },
    );
    return statements.length;
  }

  interface Breaker {
    db: Db;
    /** cleanup once the run is over */
    dispose?: () => Promise<void>;
  }

  /**
   * Runs the flow failing at each of its statements and at COMMIT; each run must reject (not hang)
   * and leave every table as it was, `settleMs` later too; then the user's retry succeeds.
   */
  async function failEverywhere(
    flow: Flow,
    breakAt: (n: number | "commit") => Breaker | Promise<Breaker>,
    options: { expectedError?: new (where: string) => Error; settleMs?: number; outside?: boolean } = {},
  ) {
    const before = await snapshot();
    const total = await countStatements(flow, options.outside ?? true);
    expect(total).toBeGreaterThan(3);
    expect(await snapshot(), "state after the counting run").toEqual(before);
    for (const n of [...Array.from({ length: total }, (_, i) => i + 1), "commit" as const]) {
      const breaker = await breakAt(n);
      try {
        const outcome = await settleWithin(flow.run(breaker.db), 10_000);
        expect(outcome.status, `failing at statement ${n} of ${total}: the call must reject`).toBe("rejected");
        if (options.expectedError && outcome.status === "rejected") expect(outcome.error).toBeInstanceOf(options.expectedError);
        if (options.settleMs) await sleep(options.settleMs);
        expect(await snapshot(), `state after failing at statement ${n} of ${total}`).toEqual(before);
      } finally {
        await breaker.dispose?.();
      }
    }
    await flow.retry();
  }

  describe("an error at any statement or at COMMIT rejects the call and leaves every table as it was; the same input works afterwards", () => {
    it.each(FLOWS)("%s", async (_, make) => {
      await failEverywhere(await make(handle, deps), (n) => ({ db: dbFailingAtStatement(handle.db, n) }), { expectedError: InjectedDatabaseError });
    });

    it("completeWithSmsCode without trusting the device is a read and one statement: an error at either leaves the code unused, no try spent, no success recorded", async () => {
      const flow = await smsSignIn(false)(handle, deps);
      const before = await snapshot();
      for (const n of [1, 2]) {
        const outcome = await settleWithin(flow.run(dbFailingAtStatement(handle.db, n)), 10_000);
        expect(outcome.status, `failing at statement ${n}: the call must reject`).toBe("rejected");
        if (outcome.status === "rejected") expect(outcome.error).toBeInstanceOf(InjectedDatabaseError);
        expect(await snapshot(), `state after failing at statement ${n}`).toEqual(before);
      }
      // a third statement is never reached: the call completes with the two
      const third = await settleWithin(flow.run(dbFailingAtStatement(handle.db, 3)), 10_000);
      expect(third).toMatchObject({ status: "fulfilled", value: { ok: true } });
      await flow.committed(handle.db);
    });
  });

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (target.name === "postgres" && adminUrl) describe("the PostgreSQL connection terminated (pg_terminate_backend) in the middle of a flow", () => {
    let processErrors: ReturnType<typeof collectProcessErrors>;
    let databaseUrl: string;
    beforeAll(async () => {
      processErrors = collectProcessErrors();
      databaseUrl = await databaseUrlOf(handle.db, adminUrl!);
    });
    afterAll(async () => {
      // a killed connection's driver may still throw from a timer a moment later
      await sleep(1_500);
      processErrors.stop();
    });

    /** An app-like client of its own (its own pool) whose transaction loses its backend at statement n. */
    async function terminatingClient(n: number | "commit"): Promise<Breaker & { terminated: () => number }> {
      const client = await openDatabase({ url: databaseUrl });
      const db = dbTerminatedAtStatement(client.db, n, adminUrl!);
      // a client whose connection was killed may take its time to end: not waited for
      return { db, terminated: db.terminated, dispose: async () => void client.close().catch(() => {}) };
    }

    it.each(FLOWS)("at any statement or at COMMIT, the call rejects, nothing is left behind and nothing crashes: %s", async (_, make) => {
      const flow = await make(handle, deps);
      const errorsBefore = processErrors.errors.length;
      const breakers: { terminated: () => number }[] = [];
      await failEverywhere(
        flow,
        async (n) => {
          const breaker = await terminatingClient(n);
          breakers.push(breaker);
          return breaker;
        },
        // the breaker ends the connection of a transaction: only their statements are counted
        { settleMs: 200, outside: false },
      );
      // every failing run really lost its connection
      expect(breakers.map((b) => b.terminated())).toEqual(breakers.map(() => 1));
      // the database driver must report a lost connection as the call's error, not crash in a timer
      expect(processErrors.errors.slice(errorsBefore), "uncaught exceptions in the process").toEqual([]);
    });

    it("lost connections on the app's own pool, more of them than it holds: every call rejects, nothing commits outside its transaction, the next sign-in works", async () => {
      const client = await openDatabase({ url: databaseUrl });
      const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 10);
      const errorsBefore = processErrors.errors.length;
      try {
        const { user, phone } = await createEnrolledUser(deps);
        const { pending, code } = await startChallenge(deps, user, phone);
        // "Trust this device": the consumption is the first statement of the transaction that adds the device
        const input = { pending, code, trustThisDevice: true, request: testRequest() };
        const before = await snapshot();
        const outcomes: string[] = [];
        for (let i = 1; i <= poolSize + 2; i++) {
          // the right code, its transaction losing the connection at the consumption, after the challenge was read
          const broken = { ...deps, db: dbTerminatedAtStatement(client.db, 1, adminUrl!) };
          outcomes.push(`${i}: ${(await settleWithin(completeWithSmsCode(broken, input), 3_000)).status}`);
        }
        expect.soft(outcomes, "every call rejects (none hangs)").toEqual(outcomes.map((o) => o.replace(/: \w+$/, ": rejected")));
        await sleep(300);
        expect.soft(await snapshot(), "nothing was committed: no ticket, no audit event, the code unused").toEqual(before);
        expect.soft(await ticketsOf(handle.db, user.id), "no sign-in ticket exists").toEqual([]);
        // the database is back: the same client (the app's pool) signs the user in
        const done = await settleWithin(completeWithSmsCode({ ...deps, db: client.db }, input), 5_000);
        expect.soft(done, "the next sign-in with the code works").toMatchObject({ status: "fulfilled", value: { ok: true } });
        expect.soft(processErrors.errors.slice(errorsBefore), "uncaught exceptions in the process").toEqual([]);
      } finally {
        await Promise.race([client.close().catch(() => {}), sleep(1_000)]);
      }
    }, 90_000);
  });

  if (target.name === "pglite") describe("the embedded PGlite closed in the middle of a flow", () => {
    it.each(FLOWS)("close() waits for the running transaction: the flow commits whole and is there after a reopen: %s", async (_, make) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "c2fa-faults-"));
      let own: DatabaseHandle | null = await openDatabase({ dataDir });
      try {
        await migrateDatabase(own);
        const d = makeDeps(own.db, { clock: deps.clock });
        const flow = await make(own, d);
        let closing = null as Promise<void> | null;
        const closingMidway = dbWithTransactionHooks(own.db, {
          beforeStatement: ({ index }) => {
            if (index === 3) closing = own!.close();
          },
        });
        const outcome = await settleWithin(flow.run(closingMidway), 10_000);
        expect(outcome.status).toBe("fulfilled");
        expect(closing).not.toBeNull();
        await closing;
        await expect(own.db.select().from(users), "the closed instance answers nothing").rejects.toThrow();
        own = await openDatabase({ dataDir });
        await flow.committed(own.db);
      } finally {
        await own?.close().catch(() => {});
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
