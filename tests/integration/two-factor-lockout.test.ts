import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, users } from "@/lib/db/schema";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword, resendSignInCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { createEnrolledUser, makeDeps, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

const WRONG_BACKUP = ["AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB", "CCCC-CCCC-CCCC", "DDDD-DDDD-DDDD", "EEEE-EEEE-EEEE"];

describe.each(databaseTargets())("two-factor lockout on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const sms = (pending: PendingSignIn, code: string) =>
    completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() });
  const backup = (pending: PendingSignIn, code: string) =>
    completeWithBackupCode(deps, { pending, code, trustThisDevice: false, request: testRequest() });
  const resend = (pending: PendingSignIn) => resendSignInCode(deps, pending, testRequest());
  const lockOf = async (userId: string) => {
    const [row] = await handle.db
      .select({ failures: users.secondFactorFailures, lockedUntil: users.secondFactorLockedUntil })
      .from(users)
      .where(eq(users.id, userId));
    return row!;
  };

  it("10 consecutive failures across SMS and backup codes lock the second factor for 15 minutes", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const answers = [];
    for (let i = 1; i <= 5; i++) answers.push((await sms(pending, wrongCode(code, i))).ok);
    for (let i = 0; i < 4; i++) answers.push(await backup(pending, WRONG_BACKUP[i]!));
    expect(answers.slice(0, 5)).toEqual([false, false, false, false, false]);
    expect(answers.slice(5)).toMatchObject(Array(4).fill({ ok: false, code: "INVALID_BACKUP_CODE" }));
    expect((await lockOf(user.id)).failures).toBe(9);

    const tenth = await backup(pending, WRONG_BACKUP[4]!);
    expect(tenth).toMatchObject({ ok: false, code: "LOCKED" });
    expect((await lockOf(user.id)).lockedUntil).toEqual(new Date(deps.clock.now().getTime() + 15 * 60_000));

    // a right backup code, a resend and a new sign-in attempt are all refused while locked
    expect(await backup(pending, backupCodes[0]!)).toMatchObject({ ok: false, code: "LOCKED" });
    deps.clock.advance(30_000);
    expect(await resend(pending)).toMatchObject({ ok: false, code: "LOCKED" });
    const again = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken: undefined, request: testRequest() });
    expect(again).toMatchObject({ next: "second_factor", sent: { ok: false, code: "LOCKED" } });
    const locked = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "two_factor.locked")));
    expect(locked).toHaveLength(1);
  });

  it("a resend does not reset the failure count", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code: first } = await startChallenge(deps, user, phone);
    for (let i = 1; i <= 4; i++) expect(await sms(pending, wrongCode(first, i))).toMatchObject({ code: "INVALID_CODE" });
    deps.clock.advance(30_000);
    expect(await resend(pending)).toMatchObject({ ok: true });
    const second = deps.sms.lastCodeTo(phone);
    for (let i = 1; i <= 4; i++) expect(await sms(pending, wrongCode(second, i))).toMatchObject({ code: "INVALID_CODE" });
    expect((await lockOf(user.id)).failures).toBe(8);
    deps.clock.advance(30_000);
    expect(await resend(pending)).toMatchObject({ ok: true });
    const third = deps.sms.lastCodeTo(phone);
    expect(await sms(pending, wrongCode(third))).toMatchObject({ code: "INVALID_CODE", triesLeft: 4 });
    expect(await sms(pending, wrongCode(third, 2))).toMatchObject({ ok: false, code: "LOCKED" });
  });

  it("a correct code is refused while locked, and the lock ends after 15 minutes", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const { pending, code: first } = await startChallenge(deps, user, phone);
    for (let i = 1; i <= 5; i++) await sms(pending, wrongCode(first, i));
    deps.clock.advance(30_000);
    expect(await resend(pending)).toMatchObject({ ok: true });
    const live = deps.sms.lastCodeTo(phone);
    for (let i = 1; i <= 4; i++) await sms(pending, wrongCode(live, i));
    expect(await backup(pending, WRONG_BACKUP[0]!)).toMatchObject({ ok: false, code: "LOCKED" });
    const lockedAt = deps.clock.now().getTime();

    // the live code has a try left, but the lock comes first: not even a try is spent on it
    expect(await sms(pending, live)).toMatchObject({ ok: false, code: "LOCKED" });
    expect(await backup(pending, backupCodes[0]!)).toMatchObject({ ok: false, code: "LOCKED" });

    deps.clock.set(new Date(lockedAt + 15 * 60_000 - 1));
    expect(await sms(pending, live)).toMatchObject({ ok: false, code: "LOCKED" });
    expect(await resend(pending)).toMatchObject({ ok: false, code: "LOCKED" });

    deps.clock.set(new Date(lockedAt + 15 * 60_000));
    // the old code expired meanwhile; a new one works, and a backup code works too
    expect(await resend(pending)).toMatchObject({ ok: true });
    expect((await sms(pending, deps.sms.lastCodeTo(phone))).ok).toBe(true);
    expect((await lockOf(user.id)).failures).toBe(0);
    const { pending: next } = await startChallenge(deps, user, phone);
    expect((await backup(next, backupCodes[0]!)).ok).toBe(true);
  });

  it("a correct SMS code ends the run of failures: 9 failures, a success, then 9 more do not lock", async () => {
    const { user, phone } = await createEnrolledUser(deps, {});
    const run = async () => {
      const { pending, code } = await startChallenge(deps, user, phone);
      for (let i = 1; i <= 4; i++) expect((await sms(pending, wrongCode(code, i))).ok).toBe(false);
      for (let i = 0; i < 5; i++) expect(await backup(pending, WRONG_BACKUP[i]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
      return { pending, code };
    };
    const first = await run();
    expect((await sms(first.pending, first.code)).ok).toBe(true);
    deps.clock.advance(60 * 60_000); // past the hourly SMS allowance
    const second = await run();
    expect((await lockOf(user.id)).lockedUntil).toBeNull();
    expect((await sms(second.pending, second.code)).ok).toBe(true);
  });

  it("a correct backup code ends the run of failures like a correct SMS code does", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    for (let i = 1; i <= 5; i++) expect((await sms(pending, wrongCode(code, i))).ok).toBe(false);
    for (let i = 0; i < 4; i++) expect(await backup(pending, WRONG_BACKUP[i]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect((await backup(pending, backupCodes[0]!)).ok).toBe(true);

    // "consecutive": the success ended the run, so one more slip on the next sign-in does not lock
    const next = await startChallenge(deps, user, phone);
    expect(await backup(next.pending, WRONG_BACKUP[0]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect((await lockOf(user.id)).lockedUntil).toBeNull();
  });

  it("concurrent failures are all counted: 12 wrong codes at once lock the account", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    // 5 comparisons at most on the SMS code, the backup codes carry the rest
    const results = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => sms(pending, wrongCode(code, i + 1))),
      ...Array.from({ length: 6 }, (_, i) => backup(pending, WRONG_BACKUP[i % WRONG_BACKUP.length]!)),
    ]);
    expect(results.every((r) => !r.ok)).toBe(true);
    const state = await lockOf(user.id);
    expect(state.lockedUntil).not.toBeNull();
    expect(await sms(pending, code)).toMatchObject({ ok: false, code: "LOCKED" });
  });
});
