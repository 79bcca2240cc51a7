import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, users } from "@/lib/db/schema";
import { beginAuthenticatorSetup } from "@/lib/two-factor/authenticator-app";
import { authenticatorCodeAt } from "@/lib/two-factor/authenticator-code";
import { completeWithAuthenticatorCode } from "@/lib/two-factor/authenticator-sign-in";
import { confirmationStatus, confirmSecondFactor, confirmSecondFactorAndNotify, sendConfirmationCode, type ConfirmMethod } from "@/lib/two-factor/confirm";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender } from "../helpers/email";
import { createUser, testRequest } from "../helpers/fixtures";
import { jarWithSession, mountedPlugin, setCookieNames, stepRequest, type CookieJar } from "../helpers/route-handler";
import { createEnrolledUser, makeDeps, pendingFor, setUpAuthenticatorApp, wrongCode, type TestDeps } from "../helpers/two-factor";

// "Confirm it's you" with the authenticator app's code (issue 18): the same code rules as at sign-in.

const MINUTE = 60_000;
const STEP_MS = 30_000;

describe.each(databaseTargets({ throughPooler: true }))("confirm it's you with the authenticator app on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const signedInAt = () => deps.clock.now().getTime() - 20 * MINUTE;
  const confirm = (userId: string, method: ConfirmMethod, code: string, d: TestDeps = deps) =>
    confirmSecondFactor(d, { userId, authTime: signedInAt(), method, code, request: testRequest() });
  const codeNow = (secret: Uint8Array, d: TestDeps = deps) => authenticatorCodeAt(secret, d.clock.now());
  /** Moves the clock 3 steps on, past the drift window of every code used so far. */
  const freshStep = (d: TestDeps = deps, within = 0) => d.clock.set(new Date((Math.floor(d.clock.now().getTime() / STEP_MS) + 3) * STEP_MS + within));
  const failures = async (userId: string) => (await handle.db.select({ n: users.secondFactorFailures }).from(users).where(eq(users.id, userId)))[0]!.n;
  const eventsOf = (userId: string, type: string) =>
    handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, type)));
  async function enrolledWithApp(d: TestDeps = deps) {
    const enrolled = await createEnrolledUser(d);
    const { secret } = await setUpAuthenticatorApp(d, enrolled.user);
    freshStep(d);
    return { ...enrolled, secret };
  }

  it("the app's right code confirms, audited as two_factor.confirmed (method authenticator), and ends the run of failures", async () => {
    const { user, secret } = await enrolledWithApp();
    for (let i = 1; i <= 3; i++) await confirm(user.id, "backup", `ZZZZ-ZZZZ-ZZ${i}0`);
    expect(await failures(user.id)).toBe(3);
    expect(await confirm(user.id, "authenticator", codeNow(secret))).toEqual({ ok: true });
    expect(await failures(user.id)).toBe(0);
    const confirmed = await eventsOf(user.id, "two_factor.confirmed");
    expect(confirmed).toMatchObject([{ actorUserId: user.id, details: { method: "authenticator" }, createdAt: deps.clock.now() }]);
    // spaces are forgiven, as at sign-in
    freshStep();
    const code = codeNow(secret);
    expect(await confirm(user.id, "authenticator", `${code.slice(0, 3)} ${code.slice(3)}`)).toEqual({ ok: true });
  });

  it("an app code works once: the same code is refused at Confirm it's you and at sign-in, without counting a try", async () => {
    const { user, secret } = await enrolledWithApp();
    const code = codeNow(secret);
    expect(await confirm(user.id, "authenticator", code)).toEqual({ ok: true });
    expect(await confirm(user.id, "authenticator", code)).toEqual({ ok: false, code: "AUTHENTICATOR_CODE_USED" });
    const signIn = await completeWithAuthenticatorCode(deps, { pending: pendingFor(user.id, { now: deps.clock.now() }), code, trustThisDevice: false, request: testRequest() });
    expect(signIn).toEqual({ ok: false, code: "AUTHENTICATOR_CODE_USED" });
    expect(await failures(user.id)).toBe(0);

    // and a code used at sign-in does not confirm
    freshStep();
    const next = codeNow(secret);
    expect(await completeWithAuthenticatorCode(deps, { pending: pendingFor(user.id, { now: deps.clock.now() }), code: next, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: true });
    expect(await confirm(user.id, "authenticator", next)).toEqual({ ok: false, code: "AUTHENTICATOR_CODE_USED" });
    expect(await eventsOf(user.id, "two_factor.confirmed")).toHaveLength(1);
  });

  it("replay is refused: for any moment in a step and any code within one step of drift, it confirms once and never again", async () => {
    const { user, secret } = await enrolledWithApp();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: STEP_MS - 1 }), fc.constantFrom(-1, 0, 1), fc.integer({ min: 1, max: 3 }), async (within, drift, replays) => {
        freshStep(deps, within);
        const code = authenticatorCodeAt(secret, new Date(deps.clock.now().getTime() + drift * STEP_MS));
        expect(await confirm(user.id, "authenticator", code)).toEqual({ ok: true });
        for (let i = 0; i < replays; i++) expect(await confirm(user.id, "authenticator", code)).toEqual({ ok: false, code: "AUTHENTICATOR_CODE_USED" });
        // an earlier step's code is refused too once a later one was accepted
        if (drift === 1) expect(await confirm(user.id, "authenticator", codeNow(secret))).toMatchObject({ ok: false });
      }),
      { numRuns: 15 },
    );
    expect(await failures(user.id)).toBe(0);
  });

  it("wrong app codes count on the shared lock with SMS and backup codes; once locked the right app code is refused, and not used up", async () => {
    const { user, secret } = await enrolledWithApp();
    const right = codeNow(secret);
    for (let i = 1; i <= 5; i++) await confirm(user.id, "backup", `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, "0")}`);
    const answers = [];
    for (let i = 1; i <= 4; i++) answers.push(await confirm(user.id, "authenticator", wrongCode(right, i * 7)));
    expect(answers).toEqual([4, 3, 2, 1].map((triesLeft) => ({ ok: false, code: "INVALID_AUTHENTICATOR_CODE", triesLeft })));
    const failed = (await eventsOf(user.id, "two_factor.authenticator_code_failed")).map((e) => e.details as { triesLeft: number });
    expect(failed.sort((a, b) => b.triesLeft - a.triesLeft)).toEqual([4, 3, 2, 1].map((triesLeft) => ({ purpose: "confirm", triesLeft })));
    const until = new Date(deps.clock.now().getTime() + deps.options.lockoutMs);
    expect(await confirm(user.id, "authenticator", wrongCode(right, 50))).toMatchObject({ ok: false, code: "LOCKED", lockedUntil: until, startedFor: user.email });
    expect(await eventsOf(user.id, "two_factor.locked")).toHaveLength(1);
    expect(await confirm(user.id, "authenticator", right)).toMatchObject({ ok: false, code: "LOCKED" });
    expect(await confirm(user.id, "authenticator", wrongCode(right, 60))).toMatchObject({ ok: false, code: "LOCKED" });
    // the lock starts a new run; the tries while locked counted nothing
    expect(await failures(user.id)).toBe(0);
    expect(await eventsOf(user.id, "two_factor.authenticator_code_failed")).toHaveLength(5);
    expect(await confirmationStatus(deps, user.id)).toEqual({ lockedUntil: until, methods: ["authenticator", "sms", "backup"], hasAuthenticatorApp: true, hasPasskey: false });

    deps.clock.set(until);
    const afterLock = codeNow(secret);
    expect(await confirm(user.id, "authenticator", afterLock)).toEqual({ ok: true });
    expect(await failures(user.id)).toBe(0);
  });

  it("a lock reached with the app's code at Confirm it's you emails the member once, after the answer", async () => {
    const { user, secret } = await enrolledWithApp();
    const email = recordingEmailSender();
    const deferred: (() => Promise<void>)[] = [];
    const host = { ...deps, email, sessionPassword: "s".repeat(32), startSession: async () => [], defer: (task: () => Promise<void>) => void deferred.push(task) };
    const right = codeNow(secret);
    for (let i = 1; i <= deps.options.lockoutThreshold + 1; i++) {
      const answer = await confirmSecondFactorAndNotify(host, { userId: user.id, authTime: signedInAt(), method: "authenticator", code: wrongCode(right, i * 7), request: testRequest() });
      expect(answer.ok).toBe(false);
    }
    expect(email.messagesTo(user.email)).toHaveLength(0);
    expect(deferred).toHaveLength(1);
    await deferred[0]!();
    expect(email.messagesTo(user.email).map((m) => m.subject)).toEqual(["Two-step verification on your account is locked"]);
  });

  it("without a confirmed app the app's codes are refused NO_AUTHENTICATOR_APP, counting nothing; without a second factor NOT_ENROLLED", async () => {
    const { user } = await createEnrolledUser(deps);
    expect(await confirm(user.id, "authenticator", "123456")).toEqual({ ok: false, code: "NO_AUTHENTICATOR_APP" });
    // a setup still waiting for its first code is no app
    const pending = decodeBase32IgnorePadding((await beginAuthenticatorSetup(deps, { userId: user.id, request: testRequest() })).secret);
    expect(await confirm(user.id, "authenticator", codeNow(pending))).toEqual({ ok: false, code: "NO_AUTHENTICATOR_APP" });
    expect(await confirmationStatus(deps, user.id)).toEqual({ lockedUntil: null, methods: ["sms", "backup"], hasAuthenticatorApp: false, hasPasskey: false });
    expect(await failures(user.id)).toBe(0);
    expect(await eventsOf(user.id, "two_factor.confirmed")).toHaveLength(0);

    const none = await createUser(handle.db);
    expect(await confirm(none.id, "authenticator", "123456")).toEqual({ ok: false, code: "NOT_ENROLLED" });
    // not 6 digits: refused before anything is read
    const { user: withApp } = await enrolledWithApp();
    expect(await confirm(withApp.id, "authenticator", "12345")).toEqual({ ok: false, code: "INVALID_CODE_FORMAT" });
    expect(await failures(withApp.id)).toBe(0);
  });

  it("the SMS code and the backup code still confirm a member who has an app", async () => {
    const { user, phone, backupCodes } = await enrolledWithApp();
    expect((await sendConfirmationCode(deps, { userId: user.id, authTime: signedInAt(), request: testRequest() })).ok).toBe(true);
    expect(await confirm(user.id, "sms", deps.sms.lastCodeTo(phone))).toEqual({ ok: true });
    expect(await confirm(user.id, "backup", backupCodes[0]!)).toEqual({ ok: true });
  });

  it("through the route, confirm/verify with method authenticator sets the confirmation: a recent second factor for 10 minutes", async () => {
    const mounted = mountedPlugin(handle.db);
    const d: TestDeps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
    const { user, secret } = await enrolledWithApp(d);
    const jar = jarWithSession({ userId: user.id, amr: ["pwd", "trusted_device"], authTime: mounted.clock.now().getTime() - 60 * MINUTE });
    const reader = jarReader(jar);
    const session = await mounted.plugin.checks.session(reader);
    expect(await mounted.plugin.checks.recentSecondFactor(reader, session!)).toBe(false);

    const wrong = await mounted.plugin.handler(stepRequest("confirm/verify", { method: "authenticator", code: wrongCode(codeNow(secret, d)), next: "/security" }, { jar }));
    expect(await wrong.json()).toMatchObject({ ok: false, fieldErrors: { code: expect.stringMatching(/^That code is not right\. Enter the code your authenticator app shows now\. 9 tries left/) } });
    expect(setCookieNames(wrong)).toEqual([]);

    const confirmed = await mounted.plugin.handler(stepRequest("confirm/verify", { method: "authenticator", code: codeNow(secret, d), next: "/security" }, { jar }));
    expect(await confirmed.json()).toEqual({ ok: true, redirectTo: "/security" });
    expect(setCookieNames(confirmed)).toEqual([mounted.plugin.cookies.names.confirmation]);
    jar.take(confirmed);
    expect(await mounted.plugin.checks.recentSecondFactor(jarReader(jar), session!)).toBe(true);
    mounted.clock.advance(mounted.plugin.options.confirmationTtlMs);
    expect(await mounted.plugin.checks.recentSecondFactor(jarReader(jar), session!)).toBe(false);
  });
});

function jarReader(jar: CookieJar) {
  return {
    get: (name: string) => (jar.values.has(name) ? { value: jar.values.get(name)! } : undefined),
    getAll: () => [...jar.values].map(([name, value]) => ({ name, value })),
  };
}
