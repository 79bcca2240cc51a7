import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { loadViewer } from "@/lib/users";
import { generateBackupCode } from "@/lib/two-factor/backup-codes";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";
import { completeWithBackupCode, completeWithSmsCode, resendSignInCode } from "@/lib/two-factor/sign-in";
import { consumeSignInTicket, issueSignInTicket } from "@/lib/two-factor/sign-in-ticket";
import { databaseTargets, openFreshPostgres } from "../helpers/databases";
import { databaseUrlOf } from "../helpers/faults";
import { createUser, testRequest } from "../helpers/fixtures";
import { startPgBouncer, type PgBouncer } from "../helpers/pgbouncer";
import { createEnrolledUser, createOrgUser, freshPhone, makeDeps, pendingFor, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

// A serverless instance holds one connection (DATABASE_POOL_SIZE=1): a transaction that waited for
// a second connection of its own pool, or a query awaited beside it, would wait forever. Each flow
// runs many at once on such a pool, directly and through PgBouncer in transaction mode; a hang
// fails the test at its timeout.
describe.each(databaseTargets({ throughPooler: true }))("a pool of one connection on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open({ poolSize: 1 });
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const submit = (pending: ReturnType<typeof pendingFor>, code: string, trustThisDevice = false) =>
    completeWithSmsCode(deps, { pending, code, trustThisDevice, request: testRequest() });

  it("20 concurrent submissions of the right SMS code, half of them trusting the device (a transaction), sign in once", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(pending, code, i % 2 === 0)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
  });

  it("20 concurrent wrong SMS codes are held to 5 counted tries, while pages load the viewer beside them", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const [results, viewers] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, (_, i) => submit(pending, wrongCode(code, i + 1), i % 3 === 0))),
      Promise.all(Array.from({ length: 10 }, () => loadViewer(handle.db, user.id))),
    ]);
    expect(results.filter((r) => !r.ok && r.code === "INVALID_CODE")).toHaveLength(5);
    expect(viewers.map((v) => v?.user.id)).toEqual(Array(10).fill(user.id));
  });

  it("20 concurrent uses of one backup code give exactly one success", async () => {
    const { user, backupCodes } = await createEnrolledUser(deps);
    const use = () => completeWithBackupCode(deps, { pending: pendingFor(user.id, { now: deps.clock.now() }), code: backupCodes[0]!, trustThisDevice: false, request: testRequest() });
    const results = await Promise.all(Array.from({ length: 20 }, use));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
  });

  it("25 concurrent wrong backup codes lock the second factor after no more than 9 wrong answers", async () => {
    const { user } = await createEnrolledUser(deps);
    const guess = () => completeWithBackupCode(deps, { pending: pendingFor(user.id, { now: deps.clock.now() }), code: generateBackupCode(), trustThisDevice: false, request: testRequest() });
    const results = await Promise.all(Array.from({ length: 25 }, guess));
    expect(results.filter((r) => !r.ok && r.code === "INVALID_BACKUP_CODE").length).toBeLessThanOrEqual(9);
    expect(results.some((r) => !r.ok && r.code === "LOCKED")).toBe(true);
  });

  it("10 concurrent resends (advisory locks in a transaction) text one code", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending } = await startChallenge(deps, user, phone);
    deps.clock.advance(deps.options.resendIntervalMs);
    const before = deps.sms.messagesTo(phone).length;
    const results = await Promise.all(Array.from({ length: 10 }, () => resendSignInCode(deps, pending, testRequest())));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(deps.sms.messagesTo(phone).length).toBe(before + 1);
  });

  it("5 concurrent phone setups with one code: one completes, with its backup codes", async () => {
    const { user } = await createOrgUser(handle.db);
    const phone = freshPhone();
    const attemptNonce = randomBytes(32).toString("base64url");
    expect(await sendSetupCode(deps, { userId: user.id, attemptNonce, phone, request: testRequest() })).toMatchObject({ ok: true });
    const code = deps.sms.lastCodeTo(phone);
    const setup = () => completePhoneSetup(deps, { userId: user.id, attemptNonce, code, request: testRequest(), selfEnabled: false, signIn: null });
    const results = await Promise.all(Array.from({ length: 5 }, setup));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("a sign-in ticket becomes a session once under 20 concurrent uses", async () => {
    const user = await createUser(handle.db);
    const ticket = await issueSignInTicket(handle.db, user.id, ["pwd", "sms"], deps.clock.now());
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeSignInTicket(handle.db, ticket, deps.clock.now())));
    expect(results.filter(Boolean)).toEqual([{ userId: user.id, amr: ["pwd", "sms"] }]);
  });
});

const adminUrl = process.env.TEST_DATABASE_URL;
// PgBouncer 1.18 in transaction mode keeps no prepared statement: a statement prepared by one
// instance lives on the server connection that happened to run it, which the next transaction of
// any instance may get. With one server connection the outcome does not depend on timing.
if (adminUrl && process.env.TEST_PGBOUNCER !== "0") describe("named prepared statements behind PgBouncer 1.18 in transaction mode", () => {
  let direct: DatabaseHandle;
  let bouncer: PgBouncer;
  let pooledUrl: string;
  let userId: string;
  beforeAll(async () => {
    direct = await openFreshPostgres(adminUrl);
    userId = (await createUser(direct.db)).id;
    bouncer = await startPgBouncer(adminUrl, { poolSize: 1 });
    pooledUrl = bouncer.urlFor(await databaseUrlOf(direct.db, adminUrl));
  });
  afterAll(async () => {
    await bouncer?.stop();
    await direct?.close();
  });

  /** Two instances of the app, one connection each, both through the pooler. */
  async function twoInstances(preparedStatements: "on" | "off") {
    const open = () => openDatabase({ url: pooledUrl, poolSize: 1, preparedStatements });
    const [a, b] = await Promise.all([open(), open()]);
    return { a, b, close: () => Promise.all([a.close(), b.close()]) };
  }

  it("on: the second instance's first page fails, its load_viewer statement already exists on the shared server connection", async () => {
    const { a, b, close } = await twoInstances("on");
    try {
      expect((await loadViewer(a.db, userId))?.user.id).toBe(userId);
      const failed = await loadViewer(b.db, userId).then(() => null, (error: unknown) => error);
      expect((failed as { cause?: { code?: string } } | null)?.cause?.code, 'SQLSTATE 42P05: prepared statement "load_viewer" already exists').toBe("42P05");
    } finally {
      await close();
    }
  });

  it("on: an instance whose server connection another client holds runs on the next one, where its load_viewer does not exist", async () => {
    const second = await startPgBouncer(adminUrl, { poolSize: 2 });
    const url = second.urlFor(await databaseUrlOf(direct.db, adminUrl));
    const app = await openDatabase({ url, poolSize: 1, preparedStatements: "on" });
    const other = new pg.Client(url);
    try {
      await other.connect();
      // both server connections opened: two transactions at once (the app's and the other client's)
      await app.db.transaction(async (tx) => {
        await other.query("begin");
        await Promise.all([tx.execute(sql`select 1`), other.query("select 1")]);
        await other.query("commit");
      });
      expect((await loadViewer(app.db, userId))?.user.id).toBe(userId);
      // PgBouncer hands out the server connection used last: the one load_viewer was prepared on
      await other.query("begin");
      await other.query("select 1");
      const failed = await loadViewer(app.db, userId).then(() => null, (error: unknown) => error);
      await other.query("commit");
      expect((failed as { cause?: { code?: string } } | null)?.cause?.code, 'SQLSTATE 26000: prepared statement "load_viewer" does not exist').toBe("26000");
    } finally {
      await other.end().catch(() => {});
      await app.close();
      await second.stop();
    }
  });

  it("off: both instances load every page, in turns and at once", async () => {
    const { a, b, close } = await twoInstances("off");
    try {
      for (let i = 0; i < 3; i++) {
        for (const instance of [a, b]) expect((await loadViewer(instance.db, userId))?.user.id).toBe(userId);
      }
      const together = await Promise.all([a, b, a, b].map((instance) => loadViewer(instance.db, userId)));
      expect(together.map((v) => v?.user.id)).toEqual(Array(4).fill(userId));
    } finally {
      await close();
    }
  });
});
