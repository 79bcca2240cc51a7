import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validatedAction } from "@/lib/action";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, smsChallenges } from "@/lib/db/schema";
import { backupCodeField, checkboxField, phoneField, smsCodeField } from "@/lib/two-factor/fields";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { completePhoneSetup, sendSetupCode } from "@/lib/two-factor/setup";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword, resendSignInCode } from "@/lib/two-factor/sign-in";
import { startFakeVonage, type FakeVonage } from "../fakes/vonage-server";
import { databaseTargets } from "../helpers/databases";
import { enrollThrough, FAKE_VONAGE_CREDENTIALS, VONAGE_FAULTS, vonageDeps, type VonageDeps } from "../helpers/faults";
import { testClock, testRequest } from "../helpers/fixtures";
import { createEnrolledUser, createOrgUser, dumpAllRows, freshPhone, makeDeps, pendingFor, startChallenge, type TestDeps } from "../helpers/two-factor";

// Issue 4, item 7 (SMS side) and item 8 (bad input), through the two-factor core with the real
// Vonage sender (the @vonage/server-sdk) pointed at a local fake Vonage.

describe.each(databaseTargets())("SMS provider faults through the real Vonage sender on $name", (target) => {
  let handle: DatabaseHandle;
  let fake: FakeVonage;
  let deps: VonageDeps;
  beforeAll(async () => {
    handle = await target.open();
    fake = await startFakeVonage(FAKE_VONAGE_CREDENTIALS);
    deps = vonageDeps(handle.db, fake, { clock: testClock(), timeoutMs: 300 });
  });
  afterEach(() => fake.setMode({ kind: "ok" }));
  afterAll(async () => {
    await fake.close();
    await handle.close();
  });

  const request = testRequest();
  /** Every challenge row of the installation, in a stable order. */
  const allChallenges = async () =>
    (await handle.db.select().from(smsChallenges)).sort((a, b) => a.id.localeCompare(b.id));

  it("the SMS_FAILED message on the challenge tells the user to try again with Resend code or to use a backup code", () => {
    const message = twoFactorMessage({ code: "SMS_FAILED" }, { screen: "challenge", now: deps.clock.now() });
    expect(message).toMatch(/could not send the text message/i);
    expect(message).toMatch(/try again/i);
    expect(message).toMatch(/Resend code/);
    expect(message).toMatch(/backup code/i);
  });

  it.each(VONAGE_FAULTS.map((fault) => [fault.name, fault] as const))(
    "%s: SMS_FAILED at setup, sign-in and resend, no challenge left to count toward a limit, the previous codes still work, and a retry right after the fault clears succeeds",
    async (_, fault) => {
      const d = deps;
      // a member half-way through setup: the code to the new phone was delivered
      const { user: newcomer } = await createOrgUser(handle.db);
      const setupPhone = freshPhone();
      const setupNonce = pendingFor(newcomer.id).nonce;
      expect(await sendSetupCode(d, { userId: newcomer.id, attemptNonce: setupNonce, phone: setupPhone, request })).toMatchObject({ ok: true });
      const setupCode = d.lastCodeTo(setupPhone);

      // an enrolled member at the sign-in challenge with a live code
      const { org, user } = await createOrgUser(handle.db);
      const phone = freshPhone();
      await enrollThrough(d, user, phone, d.lastCodeTo);
      const first = await continueAfterPassword(d, { userId: user.id, returnTo: "/", deviceToken: undefined, request });
      if (first.next !== "second_factor") throw new Error("expected the challenge");
      expect(first.sent).toMatchObject({ ok: true });
      const liveCode = d.lastCodeTo(phone);

      d.clock.advance(30_000);
      const rowsBefore = await allChallenges();
      const deliveredBefore = fake.messages.length;

      fake.setMode(fault.mode);
      const started = Date.now();
      // "Send code" again during setup, "Resend code", a new sign-in, and 5 more resends of it:
      // more failures than the 5 codes an account may get per hour
      expect(await sendSetupCode(d, { userId: newcomer.id, attemptNonce: setupNonce, phone: setupPhone, request })).toEqual({ ok: false, code: "SMS_FAILED" });
      expect(await resendSignInCode(d, first.pending, request)).toEqual({ ok: false, code: "SMS_FAILED" });
      const second = await continueAfterPassword(d, { userId: user.id, returnTo: "/", deviceToken: undefined, request });
      if (second.next !== "second_factor") throw new Error("expected the challenge");
      expect(second.sent).toEqual({ ok: false, code: "SMS_FAILED" });
      for (let i = 0; i < 5; i++) expect(await resendSignInCode(d, second.pending, request)).toEqual({ ok: false, code: "SMS_FAILED" });
      // a hang costs the timeout, not more
      expect(Date.now() - started).toBeLessThan(8 * 2_000);

      expect(fake.messages.length, "nothing was delivered").toBe(deliveredBefore);
      expect(await allChallenges(), "no challenge row was added, voided or used").toEqual(rowsBefore);
      const failures = await handle.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.type, "two_factor.code_send_failed")));
      expect(failures).toHaveLength(7);
      for (const event of failures) {
        expect(event.details).toMatchObject({ reason: fault.reason, phone: expect.stringMatching(/^[•\s]+\d{2}$/) });
        expect(JSON.stringify(event.details)).not.toContain(phone.slice(1, -2));
        expect(JSON.stringify(event.details)).not.toContain(liveCode);
      }

      fake.setMode({ kind: "ok" });
      // the codes delivered before the fault still work
      expect(await completePhoneSetup(d, { userId: newcomer.id, attemptNonce: setupNonce, code: setupCode, request, selfEnabled: false, signIn: { userId: newcomer.id, createdAt: d.clock.now().getTime(), stage: "setup" } })).toMatchObject({
        ok: true,
      });
      expect(await completeWithSmsCode(d, { pending: first.pending, code: liveCode, trustThisDevice: false, request })).toMatchObject({ ok: true });
      // no 30 s wait and no hourly limit: the very next "Resend code" texts a code that works
      const retry = await resendSignInCode(d, second.pending, request);
      expect(retry).toMatchObject({ ok: true });
      expect(await completeWithSmsCode(d, { pending: second.pending, code: d.lastCodeTo(phone), trustThisDevice: false, request })).toMatchObject({ ok: true });
    },
  );

  it("a sender that throws instead of answering is SMS_FAILED too, and leaves no challenge behind", async () => {
    const { user } = await createOrgUser(handle.db);
    const phone = freshPhone();
    const nonce = pendingFor(user.id).nonce;
    const exploding: VonageDeps = { ...deps, sms: { send: () => Promise.reject(new TypeError("fetch failed")) } };
    const before = await allChallenges();
    expect(await sendSetupCode(exploding, { userId: user.id, attemptNonce: nonce, phone, request })).toEqual({ ok: false, code: "SMS_FAILED" });
    expect(await allChallenges()).toEqual(before);
    expect(await sendSetupCode(deps, { userId: user.id, attemptNonce: nonce, phone, request })).toMatchObject({ ok: true });
  });
});

describe.each(databaseTargets())("bad input stores nothing on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const request = testRequest();
  const MALFORMED_PHONES: unknown[] = [
    "",
    "   ",
    "+1 202 555 0123",
    "+1-202-555-0123",
    "(202) 555-0123",
    "2025550123",
    "+1202555O123",
    "+١٢٠٢٥٥٥٠١٢٣", // Arabic-Indic digits
    "+１２０２５５５０１２３", // fullwidth digits
    "+१२०२५५५०१२३", // Devanagari digits
    "+1202555\u00a00123",
    "+1202555\u200b0123",
    "+1202555\u00000123",
    "+12025550123\u0000",
    "\u0000",
    "+1202555\u00070123",
    "+1" + "2".repeat(10_000),
    "x".repeat(10_000),
    "+12025550123; drop table users; --",
    "+1202555012",
    "+999123456789",
    12025550123,
    null,
    undefined,
    ["+12025550123"],
    { phone: "+12025550123" },
  ];

  it.each(MALFORMED_PHONES.map((phone) => [JSON.stringify(phone)?.slice(0, 40) ?? String(phone), phone]))(
    "Send code with the phone number %s: a message to fix it, no SMS, and every table unchanged",
    async (_, phone) => {
      const { user } = await createOrgUser(handle.db);
      const before = await dumpAllRows(handle.db);
      const attempts = deps.sms.attempts.length;
      const result = await sendSetupCode(deps, { userId: user.id, attemptNonce: pendingFor(user.id).nonce, phone, request });
      expect(result).toMatchObject({ ok: false, code: "INVALID_PHONE", message: expect.stringMatching(/^[A-Z].{10,}\.$/) });
      expect(deps.sms.attempts.length).toBe(attempts);
      expect(await dumpAllRows(handle.db)).toBe(before);
    },
  );

  /** A form post as the browser sends it, through the same zod fields and wrapper as the app's actions. */
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.set(name, value);
    return data;
  };

  const MALFORMED_CODES = [
    "",
    "12345",
    "1234567",
    "12 34 5",
    "١٢٣٤٥٦",
    "１２３４５６",
    "१२३४५६",
    "123\u0000456",
    "123456\u0000",
    "12345\u200b6",
    "12345a",
    "9".repeat(10_000),
    "123456'--",
  ];

  it("Verify with a malformed SMS code: a field message, the core is never called, every table unchanged; a good code then works", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    let called = 0;
    const schema = z.object({ code: smsCodeField, trustDevice: checkboxField });
    const verify = validatedAction(schema, async (data) => {
      called += 1;
      const done = await completeWithSmsCode(deps, { pending, code: data.code, trustThisDevice: data.trustDevice, request });
      return done.ok ? { ok: true } : { ok: false, fieldErrors: { code: twoFactorMessage(done, { screen: "challenge", now: deps.clock.now() }) } };
    });
    const before = await dumpAllRows(handle.db);
    for (const bad of MALFORMED_CODES) {
      const state = await verify({}, form({ code: bad }));
      expect(state, JSON.stringify(bad.slice(0, 20))).toMatchObject({ ok: false, fieldErrors: { code: expect.stringMatching(/^[A-Z].+\.$/) } });
    }
    expect(called).toBe(0);
    expect(await dumpAllRows(handle.db)).toBe(before);
    // valid input goes past the fields (the action then reads the request headers, which only exist in Next.js)
    const good = schema.parse(Object.fromEntries(form({ code: ` ${code} ` })));
    expect((await completeWithSmsCode(deps, { pending, code: good.code, trustThisDevice: good.trustDevice, request })).ok).toBe(true);
  });

  it("Use the backup code with a malformed code: a field message, the core is never called, no failure is counted, every table unchanged", async () => {
    const { user, backupCodes } = await createEnrolledUser(deps);
    const pending = pendingFor(user.id, { now: deps.clock.now() });
    let called = 0;
    const schema = z.object({ backupCode: backupCodeField, trustDevice: checkboxField });
    const submitBackupCode = validatedAction(schema, async (data) => {
      called += 1;
      const done = await completeWithBackupCode(deps, { pending, code: data.backupCode, trustThisDevice: data.trustDevice, request });
      return done.ok ? { ok: true } : { ok: false, fieldErrors: { backupCode: twoFactorMessage(done, { screen: "challenge", now: deps.clock.now() }) } };
    });
    const before = await dumpAllRows(handle.db);
    const malformed = [
      "",
      "ABCD-EFGH-JKM",
      "ABCD-EFGH-JKMNP",
      "ABCD_EFGH_JKMN",
      "ABCD-EFGH-JKM\u0000",
      "ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ",
      "ABCD-EFGH-JKM\u200bN",
      "A".repeat(10_000),
      backupCodes[0]!.replace(/-/g, "\u0000"),
    ];
    for (const bad of malformed) {
      const state = await submitBackupCode({}, form({ backupCode: bad }));
      expect(state, JSON.stringify(bad.slice(0, 20))).toMatchObject({
        ok: false,
        fieldErrors: { backupCode: "A backup code has 12 letters and digits, like ABCD-EFGH-JKMN." },
      });
    }
    expect(called).toBe(0);
    expect(await dumpAllRows(handle.db)).toBe(before);
    const good = schema.parse(Object.fromEntries(form({ backupCode: backupCodes[0]!.toLowerCase() })));
    expect((await completeWithBackupCode(deps, { pending, code: good.backupCode, trustThisDevice: false, request })).ok).toBe(true);
  });

  it("Send code through the form with a malformed phone number: a field message and the number is echoed back, nothing stored", async () => {
    const { user } = await createOrgUser(handle.db);
    let called = 0;
    const send = validatedAction(
      z.object({ phone: phoneField }),
      async (data) => {
        called += 1;
        const sent = await sendSetupCode(deps, { userId: user.id, attemptNonce: "n", phone: data.phone, request });
        return { ok: sent.ok };
      },
      { echo: ["phone"] },
    );
    const before = await dumpAllRows(handle.db);
    for (const bad of MALFORMED_PHONES.filter((p): p is string => typeof p === "string")) {
      const state = await send({}, form({ phone: bad }));
      expect(state).toMatchObject({ ok: false, fieldErrors: { phone: expect.stringMatching(/^[A-Z].+\.$/) } });
      // what the user typed comes back (cut to 256 characters) so they can fix it
      expect(state.values?.phone).toBe(bad.slice(0, 256));
    }
    expect(called).toBe(0);
    expect(await dumpAllRows(handle.db)).toBe(before);
  });
});
