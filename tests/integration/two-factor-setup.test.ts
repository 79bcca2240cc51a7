import { and, eq } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeSignInTicket } from "@/lib/two-factor/sign-in-ticket";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, backupCodes, signInTickets, smsChallenges, trustedDevices, users } from "@/lib/db/schema";
import { countUnusedBackupCodes } from "@/lib/two-factor/backup-codes";
import { loadSecondFactorState } from "@/lib/two-factor/policy";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";
import { completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { dbFailingInTransaction } from "../helpers/faults";
import { testRequest } from "../helpers/fixtures";
import {
  createOrgUser,
  enrollUser,
  freshPhone,
  makeDeps,
  pendingFor,
  startChallenge,
  wrongCode,
  type TestDeps,
} from "../helpers/two-factor";

describe.each(databaseTargets())("two-factor phone setup on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const send = (userId: string, nonce: string, phone: unknown, d: TestDeps = deps) =>
    sendSetupCode(d, { userId, attemptNonce: nonce, phone, request: testRequest() });
  const complete = (
    userId: string,
    nonce: string,
    code: string,
    options: { duringSignIn?: boolean; selfEnabled?: boolean } = {},
    d: TestDeps = deps,
  ) =>
    completePhoneSetup(d, {
      userId,
      attemptNonce: nonce,
      code,
      request: testRequest(),
      selfEnabled: options.selfEnabled ?? false,
      signIn: options.duringSignIn ? { userId, createdAt: d.clock.now().getTime(), stage: "setup" } : null,
    });
  const userRow = async (userId: string) => (await handle.db.select().from(users).where(eq(users.id, userId)))[0]!;
  const setupChallenge = async (userId: string) =>
    (await handle.db.select().from(smsChallenges).where(and(eq(smsChallenges.userId, userId), eq(smsChallenges.purpose, "setup"))))[0]!;

  it("the setup code goes to the new phone, and nothing is saved on the user before it is verified", async () => {
    const { user } = await createOrgUser(handle.db);
    const phone = freshPhone();
    const nonce = pendingFor(user.id).nonce;
    const sent = await send(user.id, nonce, phone);
    expect(sent).toMatchObject({ ok: true, phoneMasked: expect.stringMatching(new RegExp(`${phone.slice(-2)}$`)) });
    expect(deps.sms.attempts.map((m) => m.to).filter((to) => to === phone)).toHaveLength(1);
    expect(deps.sms.messagesTo(phone).at(-1)!.text).toMatch(/^Connect verification code: \d{6}\. It expires in 5 minutes\./);
    expect(await userRow(user.id)).toMatchObject({ phoneE164: null, phoneVerifiedAt: null, twoFactorEnabledAt: null });
  });

  it("an invalid phone number is refused with what to fix, and no SMS is sent", async () => {
    const { user } = await createOrgUser(handle.db);
    const before = deps.sms.attempts.length;
    const cases: [unknown, RegExp][] = [
      ["+1 202 555 0123", /spaces/],
      ["+1-202-555-0123", /dashes/],
      ["+1(202)5550123", /brackets and parentheses/],
      ["12025550123", /Start with a "\+"/],
      ["", /Enter your phone number/],
      [42, /Enter your phone number/],
    ];
    for (const [input, message] of cases) {
      const result = await send(user.id, "nonce", input);
      expect(result).toMatchObject({ ok: false, code: "INVALID_PHONE" });
      expect((result as { message: string }).message, String(input)).toMatch(message);
    }
    expect(deps.sms.attempts.length).toBe(before);
  });

  it("a wrong code leaves the phone unverified and says how many tries are left", async () => {
    const { user } = await createOrgUser(handle.db);
    const phone = freshPhone();
    const nonce = pendingFor(user.id).nonce;
    await send(user.id, nonce, phone);
    const code = deps.sms.lastCodeTo(phone);
    expect(await complete(user.id, nonce, wrongCode(code))).toEqual({ ok: false, code: "INVALID_CODE", triesLeft: 4 });
    expect(await complete(user.id, nonce, wrongCode(code, 2))).toEqual({ ok: false, code: "INVALID_CODE", triesLeft: 3 });
    expect(await userRow(user.id)).toMatchObject({ phoneE164: null, phoneVerifiedAt: null, twoFactorEnabledAt: null });
    expect(await loadSecondFactorState(deps, user.id)).toMatchObject({ enrolled: false });
    expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(0);
    expect((await complete(user.id, nonce, code)).ok).toBe(true);
  });

  it("success during sign-in verifies the phone, turns 2FA on, gives 10 backup codes and a session ticket", async () => {
    const { user } = await createOrgUser(handle.db);
    const after = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken: undefined, request: testRequest() });
    if (after.next !== "second_factor") throw new Error("expected setup");
    expect(after.pending.stage).toBe("setup");
    const phone = freshPhone();
    await send(user.id, after.pending.nonce, phone);
    const done = await complete(user.id, after.pending.nonce, deps.sms.lastCodeTo(phone), { duringSignIn: true });
    if (!done.ok) throw new Error(`expected success, got ${done.code}`);
    expect(done.backupCodes).toHaveLength(10);
    expect(done.phoneMasked.endsWith(phone.slice(-2))).toBe(true);
    expect(done.ticket).toEqual(expect.any(String));

    const now = deps.clock.now();
    expect(await userRow(user.id)).toMatchObject({ phoneE164: phone, phoneVerifiedAt: now, twoFactorEnabledAt: now, twoFactorSelfEnabled: false });
    expect(await loadSecondFactorState(deps, user.id)).toMatchObject({ enrolled: true, phoneE164: phone });
    expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(10);
    expect(await consumeSignInTicket(handle.db, done.ticket!, now)).toEqual({ userId: user.id, amr: ["pwd", "sms"] });
    const types = (await handle.db.select().from(auditEvents).where(eq(auditEvents.subjectUserId, user.id))).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["two_factor.phone_added", "two_factor.phone_verified", "two_factor.enabled"]));

    // from now on the sign-in texts a code to the verified number
    await startChallenge(deps, user, phone);
  });

  it("success from Account Settings gives no ticket and can turn 2FA on for the user's own account", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const phone = freshPhone();
    const nonce = pendingFor(user.id).nonce;
    await send(user.id, nonce, phone);
    const done = await complete(user.id, nonce, deps.sms.lastCodeTo(phone), { selfEnabled: true });
    expect(done).toMatchObject({ ok: true, ticket: null });
    expect(await handle.db.select().from(signInTickets).where(eq(signInTickets.userId, user.id))).toEqual([]);
    expect(await loadSecondFactorState(deps, user.id)).toMatchObject({ selfEnabled: true, required: true, enrolled: true });
  });

  it("the setup code is bound to its attempt and its purpose", async () => {
    const { user } = await createOrgUser(handle.db);
    const phone = freshPhone();
    const nonce = pendingFor(user.id).nonce;
    await send(user.id, nonce, phone);
    const code = deps.sms.lastCodeTo(phone);
    expect(await complete(user.id, pendingFor(user.id).nonce, code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    // a setup code does not pass the sign-in challenge of the same attempt
    const asSignIn = await completeWithSmsCode(deps, {
      pending: { ...pendingFor(user.id), nonce },
      code,
      trustThisDevice: false,
      request: testRequest(),
    });
    expect(asSignIn).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    expect(await setupChallenge(user.id)).toMatchObject({ attempts: 0, consumedAt: null });
    expect((await complete(user.id, nonce, code)).ok).toBe(true);
  });

  it("a sign-in code does not complete a phone setup", async () => {
    const { user } = await createOrgUser(handle.db);
    const { phone } = await enrollUser(deps, user);
    const { pending, code } = await startChallenge(deps, user, phone);
    expect(await complete(user.id, pending.nonce, code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
  });

  describe("if anything in the completion transaction fails, the phone is not verified and the code is not consumed", () => {
    const failures: [string, { op: "insert" | "update" | "delete"; table: PgTable }][] = [
      ["marking the user verified", { op: "update", table: users }],
      ["revoking trusted devices", { op: "update", table: trustedDevices }],
      ["removing the old backup codes", { op: "delete", table: backupCodes }],
      ["storing the backup codes", { op: "insert", table: backupCodes }],
      ["writing the audit event", { op: "insert", table: auditEvents }],
      ["issuing the session ticket", { op: "insert", table: signInTickets }],
    ];
    it.each(failures)("failing at %s", async (_, failOn) => {
      const { user } = await createOrgUser(handle.db);
      const phone = freshPhone();
      const nonce = pendingFor(user.id).nonce;
      await send(user.id, nonce, phone);
      const code = deps.sms.lastCodeTo(phone);
      const broken = { ...deps, db: dbFailingInTransaction(handle.db, { ...failOn, error: new Error("injected") }) };

      await expect(complete(user.id, nonce, code, { duringSignIn: true }, broken)).rejects.toThrow("injected");

      expect(await userRow(user.id)).toMatchObject({ phoneE164: null, phoneVerifiedAt: null, twoFactorEnabledAt: null });
      expect(await setupChallenge(user.id)).toMatchObject({ consumedAt: null, voidedAt: null, attempts: 0 });
      expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(0);
      expect(await handle.db.select().from(signInTickets).where(eq(signInTickets.userId, user.id))).toEqual([]);

      // the same code still completes the setup once the fault is gone
      const retry = await complete(user.id, nonce, code, { duringSignIn: true });
      expect(retry).toMatchObject({ ok: true, ticket: expect.any(String) });
      expect(await userRow(user.id)).toMatchObject({ phoneE164: phone });
    });

    it("a re-setup that fails keeps the old phone, the old backup codes and the trusted devices", async () => {
      const { user } = await createOrgUser(handle.db);
      const old = await enrollUser(deps, user);
      const newPhone = freshPhone();
      const nonce = pendingFor(user.id).nonce;
      deps.clock.advance(60_000);
      await send(user.id, nonce, newPhone);
      const broken = { ...deps, db: dbFailingInTransaction(handle.db, { op: "insert", table: backupCodes, error: new Error("injected") }) };
      await expect(complete(user.id, nonce, deps.sms.lastCodeTo(newPhone), {}, broken)).rejects.toThrow("injected");
      expect(await userRow(user.id)).toMatchObject({ phoneE164: old.phone });
      expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(10);
      const signIn = await completeWithSmsCode(deps, { ...(await startChallenge(deps, user, old.phone)), trustThisDevice: false, request: testRequest() });
      expect(signIn.ok).toBe(true);
    });
  });
});
