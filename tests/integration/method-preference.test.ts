import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, users } from "@/lib/db/schema";
import { authenticatorCodeAt } from "@/lib/two-factor/authenticator-code";
import { completeWithAuthenticatorCode } from "@/lib/two-factor/authenticator-sign-in";
import { confirmationStatus } from "@/lib/two-factor/confirm";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { twoFactorPageStatus } from "@/lib/two-factor/page-status";
import { removePhone } from "@/lib/two-factor/phone-removal";
import { makePreferredMethod } from "@/lib/two-factor/preferred-method";
import { completeWithSmsCode, continueAfterPassword, resendSignInCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { jarWithSession, mountedPlugin, stepRequest, type CookieJar, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, createOrgUser, setUpAuthenticatorApp, type TestDeps } from "../helpers/two-factor";

// Which method sign-in opens with: the one the member made preferred, else the strongest they
// have (passkey, authenticator app, SMS). Only a challenge that opens with SMS texts a code.

describe.each(databaseTargets())("the preferred method on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    mounted = mountedPlugin(handle.db);
    deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
  });
  afterAll(() => handle.close());

  const post = async (step: string, fields: Record<string, string>, jar?: CookieJar) => {
    const response = await mounted.plugin.handler(stepRequest(step, fields, { jar }));
    return { status: response.status, state: await response.json() };
  };
  /** A session whose second factor is long past: make-preferred needs no recent one. */
  const staleSession = (userId: string) =>
    jarWithSession({ userId, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime() - 2 * mounted.plugin.options.confirmationTtlMs });
  const signIn = async (userId: string) => {
    const after = await continueAfterPassword(deps, { userId, returnTo: "/", deviceToken: undefined, request: testRequest() });
    if (after.next !== "second_factor") throw new Error(`expected a second factor, got ${after.next}`);
    return after;
  };
  const preferredOf = async (userId: string) => (await handle.db.select({ p: users.preferredSecondFactor }).from(users).where(eq(users.id, userId)))[0]!.p;

  it("a member who prefers the app (or has one and chose nothing) is texted nothing at sign-in; the SMS code still works after Resend code", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    await setUpAuthenticatorApp(deps, user);
    for (const prefer of [null, "authenticator"] as const) {
      if (prefer) expect(await makePreferredMethod(deps, { userId: user.id, method: prefer, request: testRequest() })).toEqual({ ok: true });
      const texted = mounted.sms.messagesTo(phone).length;
      const sendsBefore = mounted.sms.attempts.length;
      const after = await signIn(user.id);
      expect(after.pending.stage).toBe("challenge");
      expect(after.sent).toBeNull();
      expect(mounted.sms.messagesTo(phone)).toHaveLength(texted);
      expect(mounted.sms.attempts).toHaveLength(sendsBefore);
      const status = await twoFactorPageStatus(deps, after.pending);
      expect(status).toMatchObject({ methods: ["authenticator", "sms", "backup"], codeSent: false, resendAt: null });

      // the member chooses SMS: "No code has been texted for this sign-in yet", then Resend code
      const resent = await resendSignInCode(deps, after.pending, testRequest());
      expect(resent).toMatchObject({ ok: true });
      expect(mounted.sms.messagesTo(phone)).toHaveLength(texted + 1);
      expect((await twoFactorPageStatus(deps, after.pending)).codeSent).toBe(true);
      const done = await completeWithSmsCode(deps, { pending: after.pending, code: mounted.sms.lastCodeTo(phone), trustThisDevice: false, request: testRequest() });
      expect(done).toMatchObject({ ok: true, session: { userId: user.id, amr: ["pwd", "sms"] } });
      mounted.clock.advance(mounted.plugin.options.resendIntervalMs);
    }
  });

  it("a member who prefers SMS is texted at sign-in, and the challenge opens with SMS, the app next", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    await setUpAuthenticatorApp(deps, user);
    const saved = await post("security/preferred-method", { method: "sms" }, staleSession(user.id));
    expect(saved).toEqual({ status: 200, state: { ok: true, redirectTo: "/security?preferred=sms" } });
    const texted = mounted.sms.messagesTo(phone).length;
    const after = await signIn(user.id);
    expect(after.sent).toMatchObject({ ok: true });
    expect(mounted.sms.messagesTo(phone)).toHaveLength(texted + 1);
    expect(await twoFactorPageStatus(deps, after.pending)).toMatchObject({ methods: ["sms", "authenticator", "backup"], codeSent: true });
    expect(await confirmationStatus(deps, user.id)).toMatchObject({ methods: ["sms", "authenticator", "backup"] });
    const done = await completeWithSmsCode(deps, { pending: after.pending, code: mounted.sms.lastCodeTo(phone), trustThisDevice: false, request: testRequest() });
    expect(done).toMatchObject({ ok: true });
  });

  it("a member with only SMS keeps the article's challenge: texted at sign-in, SMS then the backup code", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const texted = mounted.sms.messagesTo(phone).length;
    const after = await signIn(user.id);
    expect(after.sent).toMatchObject({ ok: true });
    expect(mounted.sms.messagesTo(phone)).toHaveLength(texted + 1);
    expect((await twoFactorPageStatus(deps, after.pending)).methods).toEqual(["sms", "backup"]);
  });

  it("a member with an app and no phone is challenged with the app, and nothing is texted", async () => {
    const { user } = await createOrgUser(handle.db);
    const { secret } = await setUpAuthenticatorApp(deps, user);
    const sendsBefore = mounted.sms.attempts.length;
    const after = await signIn(user.id);
    expect(after.pending.stage).toBe("challenge");
    expect(after.sent).toBeNull();
    expect(mounted.sms.attempts).toHaveLength(sendsBefore);
    expect(await twoFactorPageStatus(deps, after.pending)).toMatchObject({ methods: ["authenticator", "backup"], phoneMasked: null, codeSent: false });
    mounted.clock.advance(90_000);
    const done = await completeWithAuthenticatorCode(deps, { pending: after.pending, code: authenticatorCodeAt(secret, mounted.clock.now()), trustThisDevice: false, request: testRequest() });
    expect(done).toMatchObject({ ok: true });
  });

  it("security/preferred-method takes only a method the member has, with a clear message; is recorded; and a removed method stops being preferred", async () => {
    const { user } = await createEnrolledUser(deps);
    const jar = staleSession(user.id);
    const none = await post("security/preferred-method", { method: "authenticator" }, jar);
    expect(none).toEqual({ status: 409, state: { ok: false, error: twoFactorMessage({ code: "METHOD_NOT_SET_UP" }, { screen: "security", now: new Date() }) } });
    expect(await post("security/preferred-method", { method: "passkey" }, jar)).toMatchObject({ status: 409 });
    expect(await preferredOf(user.id)).toBeNull();
    const bad = await post("security/preferred-method", { method: "carrier-pigeon" }, jar);
    expect(bad.status).toBe(400);
    expect(await post("security/preferred-method", { method: "sms" })).toMatchObject({ status: 401 });

    await setUpAuthenticatorApp(deps, user);
    expect(await post("security/preferred-method", { method: "sms" }, jar)).toMatchObject({ status: 200 });
    expect(await preferredOf(user.id)).toBe("sms");
    const events = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "two_factor.preferred_method_changed")));
    expect(events.map((e) => e.details)).toEqual([{ method: "sms" }]);

    // SMS removed: no longer preferred, and sign-in opens with the app
    expect(await removePhone(deps, { userId: user.id, request: testRequest() })).toMatchObject({ ok: true });
    expect(await preferredOf(user.id)).toBeNull();
    const after = await signIn(user.id);
    expect(after.sent).toBeNull();
    expect((await twoFactorPageStatus(deps, after.pending)).methods).toEqual(["authenticator", "backup"]);
  });
});
