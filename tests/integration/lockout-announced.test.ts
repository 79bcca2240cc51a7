import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { completeWithBackupCode, completeWithSmsCode, resendSignInCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { createEnrolledUser, makeDeps, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

const wrongBackup = (i: number) => `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, "0")}`;

describe.each(databaseTargets())("the lock is announced before it falls, on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db, { options: { lockoutThreshold: 4, lockoutMs: 15 * 60_000 } });
  });
  afterAll(() => handle.close());

  const backup = (pending: PendingSignIn, code: string) =>
    completeWithBackupCode(deps, { pending, code, trustThisDevice: false, request: testRequest() });
  const sms = (pending: PendingSignIn, code: string) =>
    completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() });

  it("each wrong backup code says how many tries are left before the lock, counting SMS failures too", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    expect(await sms(pending, wrongCode(code))).toMatchObject({ code: "INVALID_CODE" });
    expect(await backup(pending, wrongBackup(1))).toEqual({ ok: false, code: "INVALID_BACKUP_CODE", triesLeft: 2 });
    expect(await backup(pending, wrongBackup(2))).toEqual({ ok: false, code: "INVALID_BACKUP_CODE", triesLeft: 1 });
  });

  it("the try that locks says until when and whom to tell; later tries say until when, and tell no one again", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const { pending } = await startChallenge(deps, user, phone);
    for (let i = 1; i <= 3; i++) await backup(pending, wrongBackup(i));
    const lockedAt = deps.clock.now();
    const until = new Date(lockedAt.getTime() + 15 * 60_000);
    expect(await backup(pending, wrongBackup(4))).toEqual({ ok: false, code: "LOCKED", retryAfterMs: 15 * 60_000, lockedUntil: until, startedFor: user.email });

    deps.clock.advance(5 * 60_000);
    expect(await backup(pending, backupCodes[0]!)).toEqual({ ok: false, code: "LOCKED", retryAfterMs: 10 * 60_000, lockedUntil: until });
    expect(await sms(pending, "123456")).toMatchObject({ code: "LOCKED", retryAfterMs: 10 * 60_000, lockedUntil: until });
    const resent = await resendSignInCode(deps, pending, testRequest());
    expect(resent).toMatchObject({ ok: false, code: "LOCKED", retryAfterMs: 10 * 60_000, lockedUntil: until });
    expect(resent).not.toHaveProperty("startedFor");

    deps.clock.advance(10 * 60_000);
    expect(await backup(pending, backupCodes[0]!)).toMatchObject({ ok: true });
  });

  it("the SMS try that locks says until when and whom to tell", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    for (let i = 1; i <= 3; i++) expect(await sms(pending, wrongCode(code, i))).toMatchObject({ code: "INVALID_CODE" });
    const until = new Date(deps.clock.now().getTime() + 15 * 60_000);
    expect(await sms(pending, wrongCode(code, 4))).toMatchObject({ code: "LOCKED", lockedUntil: until, startedFor: user.email });
  });

  it("the hourly limit of codes says when it lifts: an hour after the oldest code of the hour", async () => {
    const first = deps.clock.now().getTime();
    const { user, phone } = await createEnrolledUser(deps); // its setup code is the hour's oldest
    const { pending } = await startChallenge(deps, user, phone);
    const sent = () => deps.sms.messagesTo(phone).length;
    while (sent() < deps.options.maxCodesPerAccountPerHour) {
      deps.clock.advance(31_000);
      expect(await resendSignInCode(deps, pending, testRequest())).toMatchObject({ ok: true });
    }
    deps.clock.advance(31_000);
    const refused = await resendSignInCode(deps, pending, testRequest());
    expect(refused).toEqual({ ok: false, code: "ACCOUNT_SMS_LIMIT", retryAfterMs: first + 3_600_000 - deps.clock.now().getTime() });
  });
});
