import { gt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { smsChallenges } from "@/lib/db/schema";
import { sendConfirmationCode } from "@/lib/two-factor/confirm";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { DEFAULT_TWO_FACTOR_OPTIONS } from "@/lib/two-factor/options";
import { sendSetupCode } from "@/lib/two-factor/setup";
import { continueAfterPassword, resendSignInCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testClock, testRequest } from "../helpers/fixtures";
import { recordingSmsSender } from "../helpers/sms";
import { dbWithTransactionHooks, sleep } from "../helpers/faults";
import {
  barrier,
  concurrentTransactions,
  createOrgUser,
  enrollUser,
  freshPhone,
  makeDeps,
  pendingFor,
  type TestDeps,
} from "../helpers/two-factor";

// Issue 4, item 9: SMS pumping (toll fraud through the "Send code" form). Two operator controls,
// both checked before any message goes to the provider: a list of countries codes may be texted
// to (default: all) and a cap on the codes the whole installation texts per 24 hours.

const DAY = 24 * 60 * 60_000;
const request = testRequest();

/** Valid mobile numbers outside the US and Canada, including a "+1" country and a non-geographic number. */
const ELSEWHERE: [country: string, phone: string][] = [
  ["France", "+33612345678"],
  ["United Kingdom", "+447400123456"],
  ["Germany", "+4915123456789"],
  ["Jamaica (+1, not the US)", "+18762101234"],
  ["Dominican Republic (+1, not the US)", "+18092345678"],
  ["international freephone (+800, no country)", "+80012345678"],
  ["Cuba", "+5351234567"],
  ["Latvia", "+37121234567"],
];

describe.each(databaseTargets({ throughPooler: true }))("SMS pumping controls on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  /** Deps on a clock of their own: the daily cap counts the whole table, so each test lives on its own days. */
  let month = 0;
  const depsOnOwnDays = (options: Parameters<typeof makeDeps>[1] = {}) =>
    makeDeps(handle.db, { clock: testClock(new Date(Date.UTC(2027, month++, 1, 9))), ...options });

  const sendSetup = (d: TestDeps, userId: string, phone: string, nonce = pendingFor(userId).nonce) =>
    sendSetupCode(d, { userId, attemptNonce: nonce, phone, request });
  const signIn = (d: TestDeps, userId: string) => continueAfterPassword(d, { userId, returnTo: "/", deviceToken: undefined, request });

  describe("allowed countries", () => {
    it("with allowedCountries US and CA, a number of any other country is refused with COUNTRY_NOT_ALLOWED before any SMS is sent", async () => {
      const d = depsOnOwnDays({ options: { allowedCountries: ["US", "CA"] } });
      const { user } = await createOrgUser(handle.db);
      const nonce = pendingFor(user.id).nonce;
      const before = await handle.db.select().from(smsChallenges);
      for (const [country, phone] of ELSEWHERE) {
        expect(await sendSetup(d, user.id, phone, nonce), country).toEqual({ ok: false, code: "COUNTRY_NOT_ALLOWED" });
      }
      expect(d.sms.attempts, "the provider was never called").toEqual([]);
      expect(await handle.db.select().from(smsChallenges)).toEqual(before);

      // the US and Canada are texted
      expect(await sendSetup(d, user.id, "+13125550987", nonce)).toMatchObject({ ok: true });
      d.clock.advance(30_000);
      expect(await sendSetup(d, user.id, "+14165550143", nonce)).toMatchObject({ ok: true });
      expect(d.sms.attempts.map((m) => m.to)).toEqual(["+13125550987", "+14165550143"]);
    });

    it("a phone of another country enrolled before the list was narrowed gets no code at sign-in, on resend or for a confirmation", async () => {
      const open = depsOnOwnDays();
      const { user } = await createOrgUser(handle.db);
      await enrollUser(open, user, "+33698765432");
      const narrowed: TestDeps = { ...open, sms: recordingSmsSender(), options: { ...open.options, allowedCountries: ["US", "CA"] } };
      narrowed.clock.advance(60_000);

      const attempt = await signIn(narrowed, user.id);
      expect(attempt).toMatchObject({ next: "second_factor", sent: { ok: false, code: "COUNTRY_NOT_ALLOWED" } });
      if (attempt.next !== "second_factor") throw new Error("expected the challenge");
      narrowed.clock.advance(60_000);
      expect(await resendSignInCode(narrowed, attempt.pending, request)).toEqual({ ok: false, code: "COUNTRY_NOT_ALLOWED" });
      expect(await sendConfirmationCode(narrowed, { userId: user.id, authTime: narrowed.clock.now().getTime(), request })).toEqual({
        ok: false,
        code: "COUNTRY_NOT_ALLOWED",
      });
      expect(narrowed.sms.attempts).toEqual([]);
    });

    it("by default (no list) every country can be texted", async () => {
      expect(DEFAULT_TWO_FACTOR_OPTIONS.allowedCountries).toBeNull();
      const d = depsOnOwnDays();
      for (const [country, phone] of ELSEWHERE) {
        const { user } = await createOrgUser(handle.db);
        expect(await sendSetup(d, user.id, phone), country).toMatchObject({ ok: true });
      }
      expect(d.sms.messages.map((m) => m.to)).toEqual(ELSEWHERE.map(([, phone]) => phone));
    });

    it("the refusal message says the country cannot be texted and what to do", () => {
      expect(twoFactorMessage({ code: "COUNTRY_NOT_ALLOWED" }, { screen: "setup", now: new Date() })).toBe(
        "Text messages cannot be sent to this country. Use a phone number from a country your organization allows.",
      );
    });
  });

  describe("global daily cap", () => {
    it("once maxSmsPerDay codes were texted, across many users and phones, every send is refused with DAILY_SMS_CAP without calling the provider", async () => {
      // two members enrolled two days earlier: their setup codes are outside the window
      const d = depsOnOwnDays({ options: { maxSmsPerDay: 6 } });
      const enrolled = [];
      for (let i = 0; i < 2; i++) {
        const { user } = await createOrgUser(handle.db);
        enrolled.push({ user, ...(await enrollUser(d, user)) });
      }
      d.clock.advance(2 * DAY);

      // 6 codes: 4 setups of 4 members on 4 numbers, and the 2 enrolled members signing in
      for (let i = 0; i < 4; i++) {
        const { user } = await createOrgUser(handle.db);
        expect(await sendSetup(d, user.id, freshPhone())).toMatchObject({ ok: true });
        d.clock.advance(60_000);
      }
      const attempts = [];
      for (const { user } of enrolled) {
        const attempt = await signIn(d, user.id);
        expect(attempt).toMatchObject({ next: "second_factor", sent: { ok: true } });
        if (attempt.next === "second_factor") attempts.push(attempt.pending);
      }
      const texted = d.sms.attempts.length;

      // the 7th: a new member, a resend, a new sign-in, a confirmation: all refused
      d.clock.advance(60_000);
      const { user: late } = await createOrgUser(handle.db);
      expect(await sendSetup(d, late.id, freshPhone())).toMatchObject({ ok: false, code: "DAILY_SMS_CAP" });
      expect(await resendSignInCode(d, attempts[0]!, request)).toMatchObject({ ok: false, code: "DAILY_SMS_CAP" });
      expect(await signIn(d, enrolled[1]!.user.id)).toMatchObject({ next: "second_factor", sent: { ok: false, code: "DAILY_SMS_CAP" } });
      expect(await sendConfirmationCode(d, { userId: enrolled[0]!.user.id, authTime: d.clock.now().getTime(), request })).toMatchObject({
        ok: false,
        code: "DAILY_SMS_CAP",
      });
      expect(d.sms.attempts.length, "the provider was not called").toBe(texted);
    });

    it("only delivered codes count: failed deliveries leave the whole allowance", async () => {
      const d = depsOnOwnDays({ options: { maxSmsPerDay: 3 } });
      for (let i = 0; i < 5; i++) {
        const { user } = await createOrgUser(handle.db);
        d.sms.failNext({ ok: false, reason: i % 2 ? "timeout" : "rejected", detail: "fault" });
        expect(await sendSetup(d, user.id, freshPhone())).toEqual({ ok: false, code: "SMS_FAILED" });
      }
      for (let i = 0; i < 3; i++) {
        const { user } = await createOrgUser(handle.db);
        expect(await sendSetup(d, user.id, freshPhone()), `delivery ${i + 1} of 3`).toMatchObject({ ok: true });
      }
      const { user } = await createOrgUser(handle.db);
      expect(await sendSetup(d, user.id, freshPhone())).toMatchObject({ ok: false, code: "DAILY_SMS_CAP" });
      expect(d.sms.messages).toHaveLength(3);
    });

    it("sending resumes 24 hours after the codes that filled the cap, not before", async () => {
      const d = depsOnOwnDays({ options: { maxSmsPerDay: 2 } });
      const start = d.clock.now().getTime();
      for (let i = 0; i < 2; i++) {
        const { user } = await createOrgUser(handle.db);
        expect(await sendSetup(d, user.id, freshPhone())).toMatchObject({ ok: true });
        d.clock.advance(60 * 60_000);
      }
      const { user } = await createOrgUser(handle.db);
      const phone = freshPhone();
      d.clock.set(new Date(start + DAY - 1));
      expect(await sendSetup(d, user.id, phone)).toMatchObject({ ok: false, code: "DAILY_SMS_CAP" });
      // the first code is 24 h old: one more may go
      d.clock.set(new Date(start + DAY));
      expect(await sendSetup(d, user.id, phone)).toMatchObject({ ok: true });
      d.clock.advance(30_000);
      const { user: next } = await createOrgUser(handle.db);
      expect(await sendSetup(d, next.id, freshPhone())).toMatchObject({ ok: false, code: "DAILY_SMS_CAP" });
      // an hour later the second one is 24 h old too
      d.clock.set(new Date(start + DAY + 60 * 60_000));
      expect(await sendSetup(d, next.id, freshPhone())).toMatchObject({ ok: true });
    });

    it("many members texting at once cannot push the installation past the daily cap", async () => {
      const d = depsOnOwnDays({ options: { maxSmsPerDay: 3 } });
      for (let i = 0; i < 2; i++) {
        const { user } = await createOrgUser(handle.db);
        expect(await sendSetup(d, user.id, freshPhone())).toMatchObject({ ok: true });
      }
      const dayStart = new Date(d.clock.now().getTime() - DAY);
      const members = await Promise.all(Array.from({ length: 10 }, () => createOrgUser(handle.db)));
      // Every reservation that gets as far as storing its code waits there (up to 1 s) for the others:
      // without a lock spanning the count and the insert, all of them have counted 2 < 3 by then.
      const parties = concurrentTransactions(handle.kind, 10);
      const gate = barrier(parties);
      const racing = dbWithTransactionHooks(handle.db, {
        beforeStatement: async ({ op, table }) => {
          if (op === "insert" && table === smsChallenges) await Promise.race([gate.wait(), sleep(1_000)]);
        },
      });
      const results = await Promise.allSettled(members.map(({ user }) => sendSetup({ ...d, db: racing }, user.id, freshPhone())));
      const sent = results.filter((r) => r.status === "fulfilled" && r.value.ok).length;
      const capped = results.filter((r) => r.status === "fulfilled" && !r.value.ok && r.value.code === "DAILY_SMS_CAP").length;
      const inWindow = await handle.db.select().from(smsChallenges).where(gt(smsChallenges.createdAt, dayStart));
      expect({ sent, capped, textedToday: inWindow.length }).toEqual({ sent: 1, capped: 9, textedToday: 3 });
    });

    it("the refusal message on the challenge says no more texts go today, offers the backup code and says when the cap lifts", () => {
      const message = twoFactorMessage({ code: "DAILY_SMS_CAP", retryAfterMs: 3 * 3_600_000 }, { screen: "challenge", now: new Date("2026-01-05T09:30:00Z") });
      expect(message).toBe("We cannot send more text messages today. Use the backup code, or try again after 12:30 UTC.");
    });

    it("the default cap is 10 000 codes per 24 hours", () => {
      expect(DEFAULT_TWO_FACTOR_OPTIONS.maxSmsPerDay).toBe(10_000);
    });
  });
});
