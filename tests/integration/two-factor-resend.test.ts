import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, smsChallenges } from "@/lib/db/schema";
import type { PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { sendSetupCode } from "@/lib/two-factor/setup";
import { completeWithSmsCode, continueAfterPassword, resendSignInCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { createUser, testRequest } from "../helpers/fixtures";
import {
  barrier,
  concurrentTransactions,
  contendedDb,
  createEnrolledUser,
  createOrgUser,
  enrollUser,
  makeDeps,
  pendingFor,
  startChallenge,
  type TestDeps,
} from "../helpers/two-factor";

describe.each(databaseTargets({ throughPooler: true }))("two-factor resend limits on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const resend = (pending: PendingSignIn, d: TestDeps = deps) => resendSignInCode(d, pending, testRequest());
  const submit = (pending: PendingSignIn, code: string) =>
    completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() });
  const signIn = (userId: string, d: TestDeps = deps) =>
    continueAfterPassword(d, { userId, returnTo: "/", deviceToken: undefined, request: testRequest() });
  const challengeRows = (userId: string) => handle.db.select().from(smsChallenges).where(eq(smsChallenges.userId, userId));

  it("codes for one sign-in attempt are at least 30 s apart, and the refusal says how long to wait", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending } = await startChallenge(deps, user, phone);
    const sentAt = deps.clock.now().getTime();
    const texted = deps.sms.attempts.length;

    deps.clock.advance(10_000);
    expect(await resend(pending)).toEqual({ ok: false, code: "RESEND_TOO_SOON", retryAfterMs: 20_000 });
    deps.clock.set(new Date(sentAt + 29_999));
    expect(await resend(pending)).toEqual({ ok: false, code: "RESEND_TOO_SOON", retryAfterMs: 1 });
    expect(deps.sms.attempts.length).toBe(texted);

    deps.clock.set(new Date(sentAt + 30_000));
    const again = await resend(pending);
    expect(again).toMatchObject({ ok: true, resendAt: new Date(sentAt + 60_000) });
    expect(deps.sms.attempts.length).toBe(texted + 1);
    expect(await resend(pending)).toEqual({ ok: false, code: "RESEND_TOO_SOON", retryAfterMs: 30_000 });
  });

  it("at most 5 codes per account per hour, across sign-in attempts", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    deps.clock.advance(60 * 60_000); // the setup code is out of the window
    const start = deps.clock.now().getTime();
    const attempts: PendingSignIn[] = [];
    for (let i = 0; i < 5; i++) {
      attempts.push((await startChallenge(deps, user, phone)).pending);
      deps.clock.advance(60_000);
    }
    const texted = deps.sms.attempts.length;
    // a resend of the first attempt (well past 30 s) and a brand-new sign-in are both refused
    expect(await resend(attempts[0]!)).toMatchObject({ ok: false, code: "ACCOUNT_SMS_LIMIT" });
    expect(await signIn(user.id)).toMatchObject({ next: "second_factor", sent: { ok: false, code: "ACCOUNT_SMS_LIMIT" } });
    expect(deps.sms.attempts.length).toBe(texted);

    deps.clock.set(new Date(start + 60 * 60_000 - 1));
    expect(await resend(attempts[4]!)).toMatchObject({ ok: false, code: "ACCOUNT_SMS_LIMIT" });
    deps.clock.set(new Date(start + 60 * 60_000));
    expect(await resend(attempts[4]!)).toMatchObject({ ok: true });
  });

  it("at most 10 codes per phone number per day, across users", async () => {
    const phone = "+16175550199";
    const users = await Promise.all([1, 2, 3].map(() => createUser(handle.db)));
    const start = deps.clock.now().getTime();
    const nonceOf = users.map(() => pendingFor("x").nonce);
    const send = (i: number) =>
      sendSetupCode(deps, { userId: users[i]!.id, attemptNonce: nonceOf[i]!, phone, request: testRequest() });
    for (let round = 0; round < 5; round++) {
      expect(await send(0)).toMatchObject({ ok: true });
      expect(await send(1)).toMatchObject({ ok: true });
      deps.clock.advance(30_000);
    }
    expect(deps.sms.messagesTo(phone)).toHaveLength(10);
    expect(await send(2)).toMatchObject({ ok: false, code: "PHONE_SMS_LIMIT" });
    // the first two users' hourly allowance returns, the number's daily one does not
    deps.clock.set(new Date(start + 2 * 60 * 60_000));
    expect(await send(0)).toMatchObject({ ok: false, code: "PHONE_SMS_LIMIT" });
    expect(await send(2)).toMatchObject({ ok: false, code: "PHONE_SMS_LIMIT" });
    expect(deps.sms.messagesTo(phone)).toHaveLength(10);

    deps.clock.set(new Date(start + 24 * 60 * 60_000));
    expect(await send(2)).toMatchObject({ ok: true });
    expect(deps.sms.messagesTo(phone)).toHaveLength(11);
  });

  it("a new code voids the old one", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code: old } = await startChallenge(deps, user, phone);
    deps.clock.advance(30_000);
    expect(await resend(pending)).toMatchObject({ ok: true });
    const fresh = deps.sms.lastCodeTo(phone);
    const rows = (await challengeRows(user.id)).filter((r) => r.purpose === "sign_in");
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.voidedAt === null)).toHaveLength(1);
    if (old !== fresh) expect(await submit(pending, old)).toEqual({ ok: false, code: "INVALID_CODE", triesLeft: 4 });
    expect((await submit(pending, fresh)).ok).toBe(true);
  });

  it("a new sign-in attempt voids the code of an earlier attempt", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const first = await startChallenge(deps, user, phone);
    const second = await startChallenge(deps, user, phone);
    expect(await submit(first.pending, first.code)).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    expect((await submit(second.pending, second.code)).ok).toBe(true);
  });

  it("a failed SMS delivery does not count and does not void the old code", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const rowsBefore = await challengeRows(user.id);
    deps.clock.advance(30_000);

    // rejected, unavailable, timed out and a sender that throws: six failures in a row
    deps.sms.failNext({ ok: false, reason: "rejected", detail: "status 6" });
    deps.sms.failNext({ ok: false, reason: "unavailable", detail: "HTTP 503" });
    deps.sms.failNext({ ok: false, reason: "timeout", detail: "no answer in 10s" });
    deps.sms.failNext({ ok: false, reason: "not_configured", detail: "VONAGE_API_KEY is not set" });
    deps.sms.throwNext(new TypeError("fetch failed"));
    deps.sms.throwNext(new Error("boom"));
    for (let i = 0; i < 6; i++) expect(await resend(pending)).toEqual({ ok: false, code: "SMS_FAILED" });

    // nothing was reserved: no new rows, the old code neither voided nor used
    expect(await challengeRows(user.id)).toEqual(rowsBefore);
    const failures = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "two_factor.code_send_failed")));
    // same instant on the test clock: compare without order
    expect(failures.map((e) => String(e.details.reason)).sort()).toEqual(
      ["rejected", "unavailable", "timeout", "not_configured", "unavailable", "unavailable"].sort(),
    );
    for (const event of failures) expect(JSON.stringify(event.details)).not.toContain(phone.slice(1, -2));

    expect((await submit(pending, code)).ok).toBe(true);
    // 2 codes went out this hour (setup, challenge); if the 6 failures counted, the limit of 5 would refuse this
    expect((await startChallenge(deps, user, phone)).code).toMatch(/^\d{6}$/);
  });

  it("a failed first SMS does not hold back the next try: no 30 s wait after a failure", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    deps.sms.failNext();
    const failed = await signIn(user.id);
    if (failed.next !== "second_factor") throw new Error("expected a second factor");
    expect(failed.sent).toEqual({ ok: false, code: "SMS_FAILED" });
    expect(await resend(failed.pending)).toMatchObject({ ok: true });
    expect((await submit(failed.pending, deps.sms.lastCodeTo(phone))).ok).toBe(true);
  });

  it("concurrent resends give at most one new code", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code: old } = await startChallenge(deps, user, phone);
    deps.clock.advance(30_000);
    const texted = deps.sms.attempts.length;
    // on PostgreSQL, as many transactions as the pool holds are open before any checks the limits
    const parties = concurrentTransactions(handle.kind, 10);
    const racing = contendedDb(handle.db, { op: "execute", parties });
    const results = await Promise.all(Array.from({ length: 10 }, () => resend(pending, { ...deps, db: racing.db })));
    expect(racing.gate.arrived).toBeGreaterThanOrEqual(parties);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ ok: false, code: "RESEND_TOO_SOON" });
    expect(deps.sms.attempts.length).toBe(texted + 1);
    const live = await handle.db
      .select()
      .from(smsChallenges)
      .where(and(eq(smsChallenges.userId, user.id), eq(smsChallenges.purpose, "sign_in"), isNull(smsChallenges.voidedAt)));
    expect(live).toHaveLength(1);
    const fresh = deps.sms.lastCodeTo(phone);
    if (old !== fresh) expect((await submit(pending, old)).ok).toBe(false);
    expect((await submit(pending, fresh)).ok).toBe(true);
  });

  it("concurrent sign-in attempts stay within the hourly limit", async () => {
    const { user } = await createEnrolledUser(deps);
    const texted = deps.sms.attempts.length;
    // allSettled: a request may also fail for another reason (see "texted at the same moment" below);
    // what matters here is how many messages left and how many were refused for the limit
    const parties = concurrentTransactions(handle.kind, 10);
    const racing = contendedDb(handle.db, { op: "execute", parties });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => signIn(user.id, { ...deps, db: racing.db })));
    expect(racing.gate.arrived).toBeGreaterThanOrEqual(parties);
    const sent = results.map((r) => (r.status === "fulfilled" && r.value.next === "second_factor" ? r.value.sent : null));
    // the setup code used one of the 5
    expect(deps.sms.attempts.length - texted).toBe(4);
    expect(sent.filter((s) => s && !s.ok && s.code === "ACCOUNT_SMS_LIMIT")).toHaveLength(6);
  });

  it("when two sign-in attempts text codes at the same moment, both requests succeed and exactly one of the two codes works", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    // both SMS are on their way at once (a double-clicked "Sign in", or two tabs)
    const bothInFlight = barrier(2);
    deps.sms.onSend = () => bothInFlight.wait();
    let settled;
    try {
      settled = await Promise.allSettled([signIn(user.id), signIn(user.id)]);
    } finally {
      deps.sms.onSend = null;
    }
    expect(deps.sms.messagesTo(phone).slice(1), "both codes were texted").toHaveLength(2);
    expect(
      settled.map((r) => (r.status === "rejected" ? `rejected: ${String((r.reason as Error).cause ?? r.reason)}` : "fulfilled")),
    ).toEqual(["fulfilled", "fulfilled"]);
    const pendings = settled.map((r) => {
      if (r.status !== "fulfilled" || r.value.next !== "second_factor" || !r.value.sent?.ok) throw new Error("expected two codes");
      return r.value.pending;
    });
    const texts = deps.sms.messagesTo(phone).slice(-2);
    const live = await handle.db
      .select()
      .from(smsChallenges)
      .where(and(eq(smsChallenges.userId, user.id), eq(smsChallenges.purpose, "sign_in"), isNull(smsChallenges.voidedAt)));
    expect(live, "exactly one of the two codes stays usable").toHaveLength(1);
    // and the user can finish with one of the two texts they received
    let done = 0;
    for (const pending of pendings) {
      for (const message of texts) {
        const code = message.text.match(/\d{6}/)![0];
        if ((await submit(pending, code)).ok) done += 1;
      }
    }
    expect(done).toBe(1);
  });

  it("allowedCountries refuses a number of another country before any SMS is sent", async () => {
    const only = makeDeps(handle.db, { clock: deps.clock, options: { allowedCountries: ["US", "CA"] } });
    const { user } = await createOrgUser(handle.db);
    const nonce = pendingFor(user.id).nonce;
    for (const phone of ["+33612345678", "+4915112345678"]) {
      expect(await sendSetupCode(only, { userId: user.id, attemptNonce: nonce, phone, request: testRequest() })).toEqual({
        ok: false,
        code: "COUNTRY_NOT_ALLOWED",
      });
    }
    expect(only.sms.attempts).toEqual([]);
    expect(await challengeRows(user.id)).toEqual([]);
    expect(await sendSetupCode(only, { userId: user.id, attemptNonce: nonce, phone: "+12025550123", request: testRequest() })).toMatchObject({ ok: true });

    // a phone enrolled before the operator narrowed the list gets no code either
    const { user: french } = await createOrgUser(handle.db);
    await enrollUser(deps, french, "+33612345678");
    const result = await signIn(french.id, only);
    expect(result).toMatchObject({ next: "second_factor", sent: { ok: false, code: "COUNTRY_NOT_ALLOWED" } });
    expect(only.sms.messagesTo("+33612345678")).toEqual([]);
  });
});
