import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { backupCodes, users } from "@/lib/db/schema";
import { countUnusedBackupCodes, generateBackupCode, replaceBackupCodes } from "@/lib/two-factor/backup-codes";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { completeWithBackupCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import {
  createEnrolledUser,
  dumpAllRows,
  enrollUser,
  makeDeps,
  pendingFor,
  type Enrolled,
  type TestDeps,
} from "../helpers/two-factor";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_SHAPE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe.each(databaseTargets({ throughPooler: true }))("two-factor backup codes on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  // one enrolled user shared by the tests that each use their own codes of the set
  let shared: Enrolled & { user: { id: string } };
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
    shared = await createEnrolledUser(deps);
  });
  afterAll(() => handle.close());

  const use = (pending: PendingSignIn, code: string, d: TestDeps = deps) =>
    completeWithBackupCode(d, { pending, code, trustThisDevice: false, request: testRequest() });
  const attempt = (userId: string) => pendingFor(userId, { now: deps.clock.now() });

  it("setup gives 10 distinct codes of 12 Crockford base32 characters: 60 bits each", async () => {
    expect(shared.backupCodes).toHaveLength(10);
    expect(new Set(shared.backupCodes).size).toBe(10);
    for (const code of shared.backupCodes) expect(code).toMatch(CODE_SHAPE);
    // 12 characters from an alphabet of 32: 12 x 5 = 60 bits >= 50
    expect(12 * Math.log2(CROCKFORD.length)).toBeGreaterThanOrEqual(50);

    // every position really takes all 32 values: the 60 bits are not a pattern
    const sample = Array.from({ length: 2_000 }, () => generateBackupCode().replace(/-/g, ""));
    expect(new Set(sample).size).toBe(sample.length);
    for (let position = 0; position < 12; position++) {
      expect(new Set(sample.map((code) => code[position])).size).toBe(32);
    }
  });

  it("only argon2id hashes are stored: no row holds a code in any spelling", async () => {
    const rows = await handle.db.select().from(backupCodes).where(eq(backupCodes.userId, shared.user.id));
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.codeHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(new Set(rows.map((r) => r.codeHash)).size).toBe(10);
    const dump = await dumpAllRows(handle.db);
    for (const code of shared.backupCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ""));
      expect(dump.toUpperCase()).not.toContain(code.replace(/-/g, ""));
    }
  });

  it("a backup code signs in once, with amr backup_code, and is then refused", async () => {
    const code = shared.backupCodes[0]!;
    const first = await use(attempt(shared.user.id), code);
    if (!first.ok) throw new Error(`expected success, got ${first.code}`);
    expect(first.session).toEqual({
      userId: shared.user.id,
      amr: ["pwd", "backup_code"],
    });
    expect(await use(attempt(shared.user.id), code)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect(await countUnusedBackupCodes(handle.db, shared.user.id)).toBe(9);
  });

  it("the input forgives case, dashes and spaces", async () => {
    const [a, b, c] = shared.backupCodes.slice(1, 4) as [string, string, string];
    const plain = (code: string) => code.replace(/-/g, "");
    const spellings = [
      ` ${a.toLowerCase()} `,
      plain(b).toLowerCase(),
      `${plain(c).slice(0, 3)} ${plain(c).slice(3, 6)}-${plain(c).slice(6, 9)} ${plain(c).slice(9)}`,
    ];
    for (const spelling of spellings) {
      const result = await use(attempt(shared.user.id), spelling);
      expect(result.ok, spelling).toBe(true);
    }
    expect(await countUnusedBackupCodes(handle.db, shared.user.id)).toBe(6);
  });

  it("a backup code of one user does nothing for another", async () => {
    const other = await createEnrolledUser(deps);
    expect(await use(attempt(other.user.id), shared.backupCodes[4]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect(await countUnusedBackupCodes(handle.db, shared.user.id)).toBe(6);
    expect((await use(attempt(shared.user.id), shared.backupCodes[4]!)).ok).toBe(true);
  });

  it("20 concurrent submissions of one backup code give exactly 1 success, and the other 19 count nothing toward the lock", async () => {
    const { user, backupCodes: codes } = await createEnrolledUser(deps);
    // Each try takes the user's row first (SELECT ... FOR UPDATE), so the tries run one at a time:
    // the first marks the code used, every later one finds it used.
    const results = await Promise.all(Array.from({ length: 20 }, () => use(attempt(user.id), codes[0]!)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    const rows = await handle.db.select().from(backupCodes).where(eq(backupCodes.userId, user.id));
    expect(rows.filter((row) => row.usedAt !== null)).toHaveLength(1);
    const [row] = await handle.db.select({ failures: users.secondFactorFailures }).from(users).where(eq(users.id, user.id));
    expect(row!.failures).toBe(0);
  });

  it("regenerating voids the old set: setting up the phone again, or replaceBackupCodes", async () => {
    const { user, backupCodes: firstSet } = await createEnrolledUser(deps);
    const { backupCodes: secondSet } = await enrollUser(deps, user);
    expect(secondSet).toHaveLength(10);
    expect(secondSet.filter((c) => firstSet.includes(c))).toEqual([]);
    expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(10);
    expect(await use(attempt(user.id), firstSet[0]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect((await use(attempt(user.id), secondSet[0]!)).ok).toBe(true);

    const thirdSet = await replaceBackupCodes(handle.db, user.id, 10, deps.clock.now());
    expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(10);
    expect(await use(attempt(user.id), secondSet[1]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect((await use(attempt(user.id), thirdSet[0]!)).ok).toBe(true);
    const rows = await handle.db.select().from(backupCodes).where(eq(backupCodes.userId, user.id));
    expect(rows).toHaveLength(10);
  });

  it("a wrong or malformed backup code counts as a second-factor failure", async () => {
    const { user } = await createEnrolledUser(deps);
    for (const input of ["ZZZZ-ZZZZ-ZZZZ", "not a code", "", "x".repeat(500)]) {
      expect(await use(attempt(user.id), input)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    }
    const [row] = await handle.db.select({ failures: users.secondFactorFailures }).from(users).where(eq(users.id, user.id));
    expect(row!.failures).toBe(4);
  });
});
