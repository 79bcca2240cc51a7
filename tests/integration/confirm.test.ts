import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, users } from "@/lib/db/schema";
import { CONFIRMATION_TTL_MS, confirmSecondFactor, confirmSecondFactorAndNotify, hasRecentSecondFactor, sendConfirmationCode } from "@/lib/two-factor/confirm";
import { maskPhone } from "@/lib/two-factor/phone-number";
import { sendSetupCode } from "@/lib/two-factor/setup";
import { completeWithBackupCode, completeWithSmsCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender } from "../helpers/email";
import { createUser, testRequest } from "../helpers/fixtures";
import { createEnrolledUser, freshPhone, makeDeps, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

const MINUTE = 60_000;

describe("hasRecentSecondFactor", () => {
  const now = Date.parse("2026-11-28T10:00:00Z");
  const session = (amr: string[], minutesAgo: number) => ({ amr, authTime: now - minutesAgo * MINUTE });

  it("the confirmation window is 10 minutes", () => {
    expect(CONFIRMATION_TTL_MS).toBe(10 * MINUTE);
  });

  it.each([["sms"], ["backup_code"]])("a session signed in with %s counts within 10 minutes of signing in, not at 10 minutes", (method) => {
    expect(hasRecentSecondFactor(session(["pwd", method], 0), null, now)).toBe(true);
    expect(hasRecentSecondFactor(session(["pwd", method], 9.99), null, now)).toBe(true);
    expect(hasRecentSecondFactor(session(["pwd", method], 10), null, now)).toBe(false);
    expect(hasRecentSecondFactor(session(["pwd", method], 60 * 23), null, now)).toBe(false);
  });

  it("a host's confirmationTtlMs is the window, for a sign-in with the second factor and for a confirmation", () => {
    const old = session(["pwd"], 120);
    expect(hasRecentSecondFactor(session(["pwd", "sms"], 2.99), null, now, 3 * MINUTE)).toBe(true);
    expect(hasRecentSecondFactor(session(["pwd", "sms"], 3), null, now, 3 * MINUTE)).toBe(false);
    expect(hasRecentSecondFactor(old, now - 2.99 * MINUTE, now, 3 * MINUTE)).toBe(true);
    expect(hasRecentSecondFactor(old, now - 3 * MINUTE, now, 3 * MINUTE)).toBe(false);
    expect(hasRecentSecondFactor(old, now - 20 * MINUTE, now, 30 * MINUTE)).toBe(true);
  });

  it("a password-only or trusted-device session never counts by itself, however fresh", () => {
    expect(hasRecentSecondFactor(session(["pwd"], 0), null, now)).toBe(false);
    expect(hasRecentSecondFactor(session(["pwd", "trusted_device"], 0), null, now)).toBe(false);
    expect(hasRecentSecondFactor(session([], 0), null, now)).toBe(false);
  });

  it("a confirmation counts for 10 minutes, whatever the session was signed in with", () => {
    for (const amr of [["pwd"], ["pwd", "trusted_device"], ["pwd", "sms"]]) {
      const old = session(amr, 120);
      expect(hasRecentSecondFactor(old, now, now)).toBe(true);
      expect(hasRecentSecondFactor(old, now - 9.99 * MINUTE, now)).toBe(true);
      expect(hasRecentSecondFactor(old, now - 10 * MINUTE, now)).toBe(false);
      expect(hasRecentSecondFactor(old, now - 30 * MINUTE, now)).toBe(false);
    }
  });

  it("a confirmation dated in the future does not count", () => {
    expect(hasRecentSecondFactor(session(["pwd"], 120), now + 1, now)).toBe(false);
    expect(hasRecentSecondFactor(session(["pwd"], 120), now + 5 * MINUTE, now)).toBe(false);
  });
});

describe.each(databaseTargets())("confirm it's you on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  /** A session's issue time, as next-auth records it (ms). */
  const signedInAt = () => deps.clock.now().getTime() - 20 * MINUTE;
  const send = (userId: string, authTime: number) => sendConfirmationCode(deps, { userId, authTime, request: testRequest() });
  const confirm = (userId: string, authTime: number, method: "sms" | "backup", code: string) =>
    confirmSecondFactor(deps, { userId, authTime, method, code, request: testRequest() });
  const failures = async (userId: string) =>
    (await handle.db.select({ n: users.secondFactorFailures }).from(users).where(eq(users.id, userId)))[0]!.n;

  it("texts the code to the user's own verified phone, shown masked", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const other = await createEnrolledUser(deps);
    const before = deps.sms.messages.length;
    expect(await send(user.id, signedInAt())).toMatchObject({ ok: true, phoneMasked: maskPhone(phone) });
    expect(deps.sms.messages.length).toBe(before + 1);
    expect(deps.sms.messages.at(-1)!.to).toBe(phone);
    expect(deps.sms.messagesTo(other.phone)).toHaveLength(1); // only their setup code
  });

  it("refuses NOT_ENROLLED, texting nothing, to a user without a verified phone", async () => {
    const none = await createUser(handle.db);
    const unverified = await createUser(handle.db);
    expect((await sendSetupCode(deps, { userId: unverified.id, attemptNonce: "setup", phone: freshPhone(), request: testRequest() })).ok).toBe(true);
    const attempts = deps.sms.attempts.length;
    for (const user of [none, unverified]) {
      expect(await send(user.id, signedInAt())).toEqual({ ok: false, code: "NOT_ENROLLED" });
      expect(await confirm(user.id, signedInAt(), "sms", "123456")).toEqual({ ok: false, code: "NOT_ENROLLED" });
      expect(await confirm(user.id, signedInAt(), "backup", "AAAA-BBBB-CCCC")).toEqual({ ok: false, code: "NOT_ENROLLED" });
    }
    expect(deps.sms.attempts.length).toBe(attempts);
  });

  it("the SMS code confirms only the session it was sent for, once", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const session = signedInAt();
    const otherSession = session + 1;
    expect((await send(user.id, session)).ok).toBe(true);
    const code = deps.sms.lastCodeTo(phone);

    // another session of the same user (a stolen cookie elsewhere) cannot use it
    expect(await confirm(user.id, otherSession, "sms", code)).toMatchObject({ ok: false, code: "NO_ACTIVE_CODE" });
    expect(await confirm(user.id, session, "sms", code)).toEqual({ ok: true });
    expect(await confirm(user.id, session, "sms", code)).toMatchObject({ ok: false, code: "NO_ACTIVE_CODE" });

    const confirmed = (await handle.db.select().from(auditEvents).where(eq(auditEvents.subjectUserId, user.id))).filter((e) => e.type === "two_factor.confirmed");
    expect(confirmed).toMatchObject([{ actorUserId: user.id, details: { method: "sms" } }]);
  });

  it("another user's code, or a sign-in code, does not confirm", async () => {
    const alice = await createEnrolledUser(deps);
    const bob = await createEnrolledUser(deps);
    const session = signedInAt();
    expect((await send(alice.user.id, session)).ok).toBe(true);
    const aliceCode = deps.sms.lastCodeTo(alice.phone);
    expect(await confirm(bob.user.id, session, "sms", aliceCode)).toMatchObject({ ok: false, code: "NO_ACTIVE_CODE" });

    // a code texted for signing in is not a confirmation code, nor the other way round
    deps.clock.advance(MINUTE);
    const { pending, code: signInCode } = await startChallenge(deps, bob.user, bob.phone);
    expect(await confirm(bob.user.id, session, "sms", signInCode)).toMatchObject({ ok: false, code: "NO_ACTIVE_CODE" });
    expect((await send(bob.user.id, session)).ok).toBe(true);
    const confirmCode = deps.sms.lastCodeTo(bob.phone);
    if (confirmCode !== signInCode) {
      // (one chance in a million that both codes are the same digits)
      expect(await completeWithSmsCode(deps, { pending, code: confirmCode, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: false, code: "INVALID_CODE" });
    }
    // each still works for what it was sent for: the confirmation code did not void the sign-in code
    expect(await completeWithSmsCode(deps, { pending, code: signInCode, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: true });
    expect(await confirm(bob.user.id, session, "sms", confirmCode)).toEqual({ ok: true });
  });

  it("an SMS confirmation code expires after 5 minutes", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const session = signedInAt();
    expect((await send(user.id, session)).ok).toBe(true);
    deps.clock.advance(5 * MINUTE);
    expect(await confirm(user.id, session, "sms", deps.sms.lastCodeTo(phone))).toMatchObject({ ok: false, code: "NO_ACTIVE_CODE" });
  });

  it("an unused backup code confirms once; a used or made-up one does not", async () => {
    const { user, backupCodes } = await createEnrolledUser(deps);
    const session = signedInAt();
    expect(await confirm(user.id, session, "backup", backupCodes[3]!)).toEqual({ ok: true });
    expect(await confirm(user.id, session, "backup", backupCodes[3]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect(await confirm(user.id, session, "backup", "ZZZZ-ZZZZ-ZZZZ")).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    // lower case and no dashes are forgiven
    expect(await confirm(user.id, session, "backup", backupCodes[4]!.replace(/-/g, "").toLowerCase())).toEqual({ ok: true });
    const confirmed = (await handle.db.select().from(auditEvents).where(eq(auditEvents.subjectUserId, user.id))).filter((e) => e.type === "two_factor.confirmed");
    expect(confirmed.map((e) => e.details)).toEqual([{ method: "backup" }, { method: "backup" }]);
  });

  it("wrong SMS and backup codes count together toward the lock; once locked even the right codes are refused", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const session = signedInAt();
    expect((await send(user.id, session)).ok).toBe(true);
    const code = deps.sms.lastCodeTo(phone);

    for (let i = 1; i <= 4; i++) {
      expect(await confirm(user.id, session, "sms", wrongCode(code, i))).toMatchObject({ ok: false, code: "INVALID_CODE", triesLeft: 5 - i });
    }
    expect(await failures(user.id)).toBe(4);
    for (let i = 0; i < 5; i++) {
      expect(await confirm(user.id, session, "backup", `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, "0")}`)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    }
    expect(await failures(user.id)).toBe(9);
    // the tenth failure locks
    expect(await confirm(user.id, session, "backup", "ZZZZ-ZZZZ-ZZ99")).toMatchObject({ ok: false, code: "LOCKED" });
    const [row] = await handle.db.select({ lockedUntil: users.secondFactorLockedUntil }).from(users).where(eq(users.id, user.id));
    expect(row!.lockedUntil!.getTime()).toBe(deps.clock.now().getTime() + deps.options.lockoutMs);

    expect(await confirm(user.id, session, "sms", code)).toMatchObject({ ok: false, code: "LOCKED" });
    expect(await confirm(user.id, session, "backup", backupCodes[0]!)).toMatchObject({ ok: false, code: "LOCKED" });
    expect(await send(user.id, session)).toMatchObject({ ok: false, code: "LOCKED" });

    // after the lock the right backup code works, and it was not used up while locked
    deps.clock.advance(deps.options.lockoutMs);
    expect(await confirm(user.id, session, "backup", backupCodes[0]!)).toEqual({ ok: true });
    expect(await failures(user.id)).toBe(0);
  });

  /**
   * Ten wrong codes in a row, the tenth of method `last`, at sign-in or at "Confirm it's you": the
   * tenth's answer and the audit events of the lock.
   */
  async function lockAt(place: "sign-in" | "confirm", last: "sms" | "backup") {
    const { org, user, phone } = await createEnrolledUser(deps);
    const wrongBackup = (i: number) => `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, "0")}`;
    let tries: Record<"sms" | "backup", (i: number) => Promise<{ ok: boolean }>>;
    if (place === "sign-in") {
      const { pending, code } = await startChallenge(deps, user, phone);
      const input = { pending, trustThisDevice: false, request: testRequest() };
      tries = {
        sms: (i) => completeWithSmsCode(deps, { ...input, code: wrongCode(code, i) }),
        backup: (i) => completeWithBackupCode(deps, { ...input, code: wrongBackup(i) }),
      };
    } else {
      const session = signedInAt();
      expect((await send(user.id, session)).ok).toBe(true);
      const code = deps.sms.lastCodeTo(phone);
      tries = { sms: (i) => confirm(user.id, session, "sms", wrongCode(code, i)), backup: (i) => confirm(user.id, session, "backup", wrongBackup(i)) };
    }
    const first = tries[last === "sms" ? "backup" : "sms"];
    for (let i = 1; i <= 5; i++) expect((await first(i)).ok).toBe(false);
    for (let i = 1; i <= 4; i++) expect((await tries[last](i)).ok).toBe(false);
    const tenth = await tries[last](5);
    const events = (await handle.db.select().from(auditEvents).where(eq(auditEvents.subjectUserId, user.id))).filter((e) => e.type === "two_factor.locked");
    return { org, user, tenth, events };
  }

  it.each(["sms", "backup"] as const)(
    "a lock reached at Confirm it's you is audited as two_factor.locked like one at sign-in (the tenth wrong code: %s)",
    async (last) => {
      const until = new Date(deps.clock.now().getTime() + deps.options.lockoutMs);
      for (const place of ["sign-in", "confirm"] as const) {
        const { org, user, tenth, events } = await lockAt(place, last);
        expect(tenth, place).toMatchObject({ ok: false, code: "LOCKED", lockedUntil: until, startedFor: user.email });
        expect(events, place).toMatchObject([
          { organizationId: org.id, actorUserId: user.id, subjectUserId: user.id, details: { until: until.toISOString() }, createdAt: deps.clock.now() },
        ]);
      }
    },
  );

  it("the member is emailed once when Confirm it's you locks, saying where the codes were tried, and not for the tries before", async () => {
    const { user } = await createEnrolledUser(deps);
    const email = recordingEmailSender();
    const deferred: (() => Promise<void>)[] = [];
    const host = { ...deps, email, sessionPassword: "s".repeat(32), startSession: async () => [], defer: (task: () => Promise<void>) => void deferred.push(task) };
    const session = signedInAt();
    for (let i = 0; i < deps.options.lockoutThreshold; i++) {
      const answer = await confirmSecondFactorAndNotify(host, { userId: user.id, authTime: session, method: "backup", code: `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, "0")}`, request: testRequest() });
      expect(answer.ok).toBe(false);
      // Nothing is sent before the answer: the host runs it after.
      expect(email.messagesTo(user.email)).toHaveLength(0);
    }
    expect(deferred).toHaveLength(1);
    await deferred[0]!();
    const sent = email.messagesTo(user.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe("Two-step verification on your account is locked");
    expect(sent[0]!.text).toContain(`on the "Confirm it's you" page of your Connect account`);
    // Once locked, further tries are refused without another email.
    await confirmSecondFactorAndNotify(host, { userId: user.id, authTime: session, method: "backup", code: "ZZZZ-ZZZZ-ZZ99", request: testRequest() });
    expect(deferred).toHaveLength(1);
  });

  it("a successful confirmation ends the run of failures", async () => {
    const { user, backupCodes } = await createEnrolledUser(deps);
    const session = signedInAt();
    for (let i = 0; i < 3; i++) await confirm(user.id, session, "backup", `ZZZZ-ZZZZ-ZZ${i}0`);
    expect(await failures(user.id)).toBe(3);
    expect(await confirm(user.id, session, "backup", backupCodes[9]!)).toEqual({ ok: true });
    expect(await failures(user.id)).toBe(0);
  });
});
