import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hmacSha256, sha256 } from "@/lib/crypto";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, smsChallenges, users } from "@/lib/db/schema";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { completeWithSmsCode, resendSignInCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import {
  concurrentTransactions,
  contendedDb,
  createEnrolledUser,
  dumpAllRows,
  makeDeps,
  pendingFor,
  startChallenge,
  wrongCode,
  type TestDeps,
} from "../helpers/two-factor";

describe.each(databaseTargets({ throughPooler: true }))("two-factor SMS codes on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const submit = (pending: PendingSignIn, code: string, d: TestDeps = deps) =>
    completeWithSmsCode(d, { pending, code, trustThisDevice: false, request: testRequest() });

  const challengesOf = (userId: string) =>
    handle.db.select().from(smsChallenges).where(and(eq(smsChallenges.userId, userId), eq(smsChallenges.purpose, "sign_in")));

  it("a code is 6 random digits, stored only as an HMAC under the server key: no row holds it and nothing logs it", async () => {
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      }),
    );
    try {
      const { user, phone } = await createEnrolledUser(deps);
      const { pending, code } = await startChallenge(deps, user, phone);
      expect(code).toMatch(/^[0-9]{6}$/);
      expect(deps.sms.messagesTo(phone).at(-1)!.text).toContain(`Connect verification code: ${code}.`);

      const [row] = await challengesOf(user.id);
      expect(row!.codeHmac).toBe(hmacSha256(deps.codeKey, `${row!.id}:${code}`));
      expect(row!.codeHmac).not.toBe(hmacSha256(`another-key-${deps.codeKey}`, `${row!.id}:${code}`));
      expect(row!.attemptHash).toBe(sha256(pending.nonce));

      const dump = await dumpAllRows(handle.db);
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(sha256(code));
      expect(dump).not.toContain(pending.nonce);

      // a wrong try and the right one: still nothing about the code anywhere
      await submit(pending, wrongCode(code));
      expect((await submit(pending, code)).ok).toBe(true);
      const after = await dumpAllRows(handle.db);
      expect(after).not.toContain(code);
      expect(logged.filter((line) => line.includes(code))).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("codes vary: 200 codes are not all alike and every one is exactly 6 digits", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const ownDeps = makeDeps(handle.db, { clock: deps.clock, options: { maxCodesPerAccountPerHour: 1_000, maxCodesPerPhonePerDay: 1_000 } });
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      await resendSignInCode(ownDeps, pendingFor(user.id), testRequest());
      codes.add(ownDeps.sms.lastCodeTo(phone));
    }
    for (const code of codes) expect(code).toMatch(/^[0-9]{6}$/);
    // 200 draws from 10^6: a repeat is possible, many repeats are not
    expect(codes.size).toBeGreaterThan(190);
    const firstDigits = new Set([...codes].map((c) => c[0]));
    expect(firstDigits.size).toBeGreaterThan(5);
  });

  it("a code is accepted until its fifth minute ends and refused from 5 minutes on", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const early = await startChallenge(deps, user, phone);
    deps.clock.advance(5 * 60_000 - 1);
    expect((await submit(early.pending, early.code)).ok).toBe(true);

    const late = await startChallenge(deps, user, phone);
    deps.clock.advance(5 * 60_000);
    expect(await submit(late.pending, late.code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    const [row] = (await challengesOf(user.id)).filter((r) => r.attemptHash === sha256(late.pending.nonce));
    expect(row!.consumedAt).toBeNull();
  });

  it("a code is single use: a second submission of the right code is refused", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const first = await submit(pending, code);
    expect(first.ok).toBe(true);
    expect(await submit(pending, code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    const rows = await challengesOf(user.id);
    expect(rows.filter((r) => r.consumedAt !== null)).toHaveLength(1);
  });

  it("5 wrong tries void the code, and the 6th try with the right code is refused", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const answers = [];
    for (let i = 1; i <= 5; i++) answers.push(await submit(pending, wrongCode(code, i)));
    expect(answers).toEqual([4, 3, 2, 1, 0].map((triesLeft) => ({ ok: false, code: "INVALID_CODE", triesLeft })));
    expect(await submit(pending, code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    const [row] = await challengesOf(user.id);
    expect(row).toMatchObject({ attempts: 5, consumedAt: null, voidedAt: deps.clock.now() });
    const succeeded = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "sign_in.second_factor_succeeded")));
    expect(succeeded).toEqual([]);
  });

  it("a code from another user's challenge is refused, even with that user's attempt nonce", async () => {
    const alice = await createEnrolledUser(deps);
    const bob = await createEnrolledUser(deps);
    const a = await startChallenge(deps, alice.user, alice.phone);
    const b = await startChallenge(deps, bob.user, bob.phone);
    if (a.code === b.code) return expect.fail("two users drew the same code; rerun");

    // Bob's sign-in with Alice's code
    expect(await submit(b.pending, a.code)).toEqual({ ok: false, code: "INVALID_CODE", triesLeft: 4 });
    // a pending sign-in claiming Bob's id but carrying Alice's attempt nonce
    const forged: PendingSignIn = { ...a.pending, userId: bob.user.id };
    expect((await submit(forged, a.code)).ok).toBe(false);
    expect((await submit(forged, b.code)).ok).toBe(false);

    const aliceDone = await submit(a.pending, a.code);
    const bobDone = await submit(b.pending, b.code);
    if (!aliceDone.ok || !bobDone.ok) throw new Error("each code must still work for its own sign-in");
    expect(aliceDone.session.userId).toBe(alice.user.id);
    expect(bobDone.session.userId).toBe(bob.user.id);
  });

  it("a code from another sign-in attempt of the same user is refused, and still works for its own attempt", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const otherAttempt = pendingFor(user.id, { now: deps.clock.now() });
    expect(await submit(otherAttempt, code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    expect((await submit(pending, code)).ok).toBe(true);
  });

  it("a code is accepted once even under 20 concurrent submissions", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    // all 20 have read the live code before any consumes it: the consumption is one statement of its
    // own, so none of them holds a connection (or PGlite's one transaction) while it waits
    const parties = 20;
    const racing = contendedDb(handle.db, { statement: "consume_sms_challenge", parties });
    const results = await Promise.all(Array.from({ length: 20 }, () => submit(pending, code, { ...deps, db: racing.db })));
    expect(racing.gate.arrived).toBeGreaterThanOrEqual(parties);
    const successes = results.filter((r) => r.ok);
    expect(successes).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    const rows = await challengesOf(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.consumedAt).not.toBeNull();
    const succeeded = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "sign_in.second_factor_succeeded")));
    expect(succeeded).toHaveLength(1);
  });

  it("20 concurrent wrong guesses are held to 5 counted tries, and then the right code is refused", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const guesses = Array.from({ length: 20 }, (_, i) => wrongCode(code, i + 1));
    const parties = concurrentTransactions(handle.kind, 20);
    const racing = contendedDb(handle.db, { op: "update", table: smsChallenges, parties });
    const results = await Promise.all(guesses.map((guess) => submit(pending, guess, { ...deps, db: racing.db })));
    expect(racing.gate.arrived).toBeGreaterThanOrEqual(parties);
    const compared = results.filter((r) => !r.ok && r.code === "INVALID_CODE");
    expect(compared).toHaveLength(5);
    expect(compared.map((r) => (r as { triesLeft: number }).triesLeft).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(results.filter((r) => !r.ok && r.code === "NO_ACTIVE_CODE")).toHaveLength(15);

    const [row] = await challengesOf(user.id);
    expect(row).toMatchObject({ attempts: 5, consumedAt: null });
    expect(row!.voidedAt).not.toBeNull();
    const [u] = await handle.db.select({ failures: users.secondFactorFailures }).from(users).where(eq(users.id, user.id));
    expect(u!.failures).toBe(5);
    const failed = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "two_factor.code_failed")));
    expect(failed).toHaveLength(5);
    expect(await submit(pending, code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
  });

  it("every wrong code gets the same answer: random, off by one, another user's, or an older voided code", async () => {
    const alice = await createEnrolledUser(deps);
    const bob = await createEnrolledUser(deps);
    const first = await startChallenge(deps, alice.user, alice.phone);
    deps.clock.advance(30_000);
    const resent = await resendSignInCode(deps, first.pending, testRequest());
    expect(resent.ok).toBe(true);
    const current = deps.sms.lastCodeTo(alice.phone);
    const b = await startChallenge(deps, bob.user, bob.phone);

    const candidates = [first.code, wrongCode(current, 1), b.code, wrongCode(current, 500_000)].filter((c) => c !== current);
    const answers = [];
    for (const c of candidates) answers.push(await submit(first.pending, c));
    expect(answers).toEqual(candidates.map((_, i) => ({ ok: false, code: "INVALID_CODE", triesLeft: 4 - i })));
    // and a fresh attempt of another user answers the very same way
    expect(await submit(b.pending, wrongCode(b.code))).toEqual({ ok: false, code: "INVALID_CODE", triesLeft: 4 });
    expect((await submit(first.pending, current)).ok).toBe(true);
  });
});
