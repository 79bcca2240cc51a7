import { and, eq, isNull } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, authenticatorApps, smsChallenges, users } from "@/lib/db/schema";
import { removeAuthenticatorApp } from "@/lib/two-factor/authenticator-app";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import { methodsWithout, refuseRemovingLastMethod } from "@/lib/two-factor/method-removal";
import { loadPendingStanding } from "@/lib/two-factor/pending-standing";
import { removePhone } from "@/lib/two-factor/phone-removal";
import { loadSecondFactorState, type SecondFactorMethods } from "@/lib/two-factor/policy";
import type { PreferredSecondFactor } from "@/lib/two-factor/schema";
import { completeWithSmsCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { jarWithSession, mountedPlugin, stepRequest, type CookieJar, type Mounted } from "../helpers/route-handler";
import { createOrgUser, enrollUser, freshPhone, setUpAuthenticatorApp, startChallenge, type TestDeps } from "../helpers/two-factor";

// Taking a method away (SMS, the authenticator app; passkeys call the same rule): never the last
// one. Where the organization requires two-step authentication the refusal says so; elsewhere
// "Turn off two-step authentication" is the way to stop using it.

type Requirement = "organization" | "self" | "none";
const REQUIREMENTS: Requirement[] = ["organization", "self", "none"];
const say = (code: "LAST_METHOD_REQUIRED" | "LAST_METHOD" | "NOT_ENROLLED") => twoFactorMessage({ code }, { screen: "security", now: new Date() });

describe("the last-method rule (every combination of methods, requirement and method removed)", () => {
  const held = (m: SecondFactorMethods): PreferredSecondFactor[] =>
    (["passkey", "authenticator", "sms"] as const).filter((x) => (x === "passkey" ? m.passkeys > 0 : m[x]));
  const anyLeft = (m: SecondFactorMethods) => m.sms || m.authenticator || m.passkeys > 0;

  it("the last method is never removable, required or not; any allowed removal leaves a method; the refusal names the organization only where it requires 2FA", () => {
    let cases = 0;
    for (const sms of [false, true])
      for (const authenticator of [false, true])
        for (const passkeys of [0, 1, 2])
          for (const requirement of REQUIREMENTS)
            for (const method of held({ sms, authenticator, passkeys })) {
              const methods = { sms, authenticator, passkeys };
              const state = {
                methods,
                requiredByOrganization: requirement === "organization",
                selfEnabled: requirement === "self",
                required: requirement !== "none",
              };
              const refused = refuseRemovingLastMethod(state, method);
              const after = methodsWithout(methods, method);
              expect(refused === null).toBe(anyLeft(after));
              if (refused) expect(refused.code).toBe(requirement === "organization" ? "LAST_METHOD_REQUIRED" : "LAST_METHOD");
              else expect(anyLeft(after)).toBe(true);
              cases++;
            }
    // 2 x 2 x 3 method sets, each method held, under 3 requirements
    expect(cases).toBe(3 * (0 + 1 + 1 + 2 + 1 + 2 + 2 + 3 + 1 + 2 + 2 + 3));
  });
});

describe.each(databaseTargets())("removing a method on $name", (target) => {
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
  const freshSession = (userId: string) => jarWithSession({ userId, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime() });
  const staleSession = (userId: string) =>
    jarWithSession({ userId, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime() - mounted.plugin.options.confirmationTtlMs });
  const methodsOf = async (userId: string) => (await loadSecondFactorState(deps, userId, mounted.clock.now()))!.methods;
  const eventsOf = (userId: string, type: string) => handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, type)));

  /** A member with the given methods, under the given requirement. */
  async function memberWith(has: { sms: boolean; authenticator: boolean }, requirement: Requirement) {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: requirement === "organization" });
    const phone = has.sms ? (await enrollUser(deps, user, undefined, { selfEnabled: requirement === "self" })).phone : null;
    if (has.authenticator) await setUpAuthenticatorApp(deps, user);
    if (!has.sms && requirement === "self") await handle.db.update(users).set({ twoFactorSelfEnabled: true }).where(eq(users.id, user.id));
    return { user, phone };
  }

  it("over every combination (SMS, app, both) x (required by the organization, by the member, not) x method removed, through the core: refused exactly when it is the last, nothing changed then", async () => {
    const sets = [
      { sms: true, authenticator: false },
      { sms: false, authenticator: true },
      { sms: true, authenticator: true },
    ];
    for (const has of sets)
      for (const requirement of REQUIREMENTS)
        for (const method of (["sms", "authenticator"] as const).filter((m) => has[m])) {
          const { user } = await memberWith(has, requirement);
          const before = await methodsOf(user.id);
          expect(before).toEqual({ ...has, passkeys: 0 });
          const done = method === "sms" ? await removePhone(deps, { userId: user.id, request: testRequest() }) : await removeAuthenticatorApp(deps, { userId: user.id, request: testRequest() });
          const last = !(has.sms && has.authenticator);
          const label = `${JSON.stringify(has)} ${requirement} removing ${method}`;
          if (last) {
            expect(done, label).toEqual({ ok: false, code: requirement === "organization" ? "LAST_METHOD_REQUIRED" : "LAST_METHOD" });
            expect(await methodsOf(user.id), label).toEqual(before);
          } else {
            expect(done, label).toMatchObject({ ok: true, email: user.email });
            const after = await methodsOf(user.id);
            expect(after, label).toEqual({ ...before, [method]: false });
            expect(after.sms || after.authenticator, label).toBe(true);
          }
        }
  });

  it("two removals at the same moment (SMS and the app) never take the last method: one goes, the other is refused", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.constantFrom<Requirement>(...REQUIREMENTS), async (phoneFirst, requirement) => {
        const { user } = await memberWith({ sms: true, authenticator: true }, requirement);
        const removals = [() => removePhone(deps, { userId: user.id, request: testRequest() }), () => removeAuthenticatorApp(deps, { userId: user.id, request: testRequest() })];
        const answers = await Promise.all((phoneFirst ? removals : removals.reverse()).map((remove) => remove()));
        expect(answers.filter((a) => a.ok)).toHaveLength(1);
        expect(answers.filter((a) => !a.ok).map((a) => !a.ok && a.code)).toEqual([requirement === "organization" ? "LAST_METHOD_REQUIRED" : "LAST_METHOD"]);
        const left = await methodsOf(user.id);
        expect(left.sms !== left.authenticator).toBe(true);
      }),
      { numRuns: 6 },
    );
  });

  it("security/phone-remove needs a recent second factor (off to Confirm it's you and back), then clears the phone, ends pending sign-ins, voids live codes, records it and emails the member", async () => {
    const { user, phone } = await memberWith({ sms: true, authenticator: true }, "organization");
    const { pending, code } = await startChallenge(deps, user, phone!);

    const stale = await post("security/phone-remove", {}, staleSession(user.id));
    expect(stale.status).toBe(403);
    expect(stale.state).toMatchObject({ ok: false, redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=phone-remove")}` });
    expect((await methodsOf(user.id)).sms).toBe(true);
    expect(await post("security/phone-remove", {})).toMatchObject({ status: 401 });

    mounted.clock.advance(1);
    const removed = await post("security/phone-remove", {}, freshSession(user.id));
    expect(removed.state).toEqual({ ok: true, redirectTo: "/security?phone-removed=1" });
    expect(await methodsOf(user.id)).toEqual({ sms: false, authenticator: true, passkeys: 0 });
    // the sign-in begun before is over, as after a phone change, and its texted code is void
    expect(await loadPendingStanding(handle.db, pending)).toBe("ended");
    expect(await completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: false });
    const live = await handle.db.select().from(smsChallenges).where(and(eq(smsChallenges.userId, user.id), isNull(smsChallenges.voidedAt), isNull(smsChallenges.consumedAt)));
    expect(live).toEqual([]);
    expect(await eventsOf(user.id, "two_factor.phone_removed")).toHaveLength(1);
    expect(mounted.email.messagesTo(user.email).map((m) => m.subject)).toContain("Your phone was removed from two-step authentication");
    const again = await post("security/phone-remove", {}, freshSession(user.id));
    expect(again.status).toBe(409);
  });

  it("removing the last method through the steps is refused with its message at once, before any Confirm it's you, and nothing changes", async () => {
    for (const requirement of REQUIREMENTS) {
      const phoneOnly = await memberWith({ sms: true, authenticator: false }, requirement);
      const appOnly = await memberWith({ sms: false, authenticator: true }, requirement);
      const message = say(requirement === "organization" ? "LAST_METHOD_REQUIRED" : "LAST_METHOD");
      for (const [step, userId] of [
        ["security/phone-remove", phoneOnly.user.id],
        ["security/authenticator-remove", appOnly.user.id],
      ] as const) {
        const refused = await post(step, {}, staleSession(userId));
        expect(refused, `${requirement} ${step}`).toEqual({ status: 409, state: { ok: false, error: message } });
      }
      expect(await methodsOf(phoneOnly.user.id)).toMatchObject({ sms: true });
      expect(await handle.db.select().from(authenticatorApps).where(eq(authenticatorApps.userId, appOnly.user.id))).toHaveLength(1);
    }
    expect(say("LAST_METHOD_REQUIRED")).toMatch(/organization requires/);
    expect(say("LAST_METHOD")).toMatch(/Turn off two-step authentication/);
  });

  it("a member with an app and no phone is enrolled: new backup codes work for them, and adding SMS needs a recent second factor, then is SMS beside the app", async () => {
    const { user } = await memberWith({ sms: false, authenticator: true }, "organization");
    const stale = await post("security/backup-codes", {}, staleSession(user.id));
    expect(stale.status).toBe(403);
    const made = await post("security/backup-codes", {}, freshSession(user.id));
    expect(made.state.backupCodes).toHaveLength(mounted.plugin.options.backupCodeCount);
    const phone = freshPhone();
    const send = await post("security/send", { phone }, staleSession(user.id));
    expect(send.status).toBe(403);
    expect(send.state).toMatchObject({ redirectTo: `/confirm?next=${encodeURIComponent("/security/phone")}` });
    expect(mounted.sms.messagesTo(phone)).toEqual([]);

    const jar = freshSession(user.id);
    expect(await post("security/send", { phone }, jar)).toMatchObject({ status: 200, state: { ok: true } });
    const verified = await post("security/verify", { code: mounted.sms.lastCodeTo(phone) }, jar);
    expect(verified.state).toMatchObject({ ok: true, backupCodes: expect.any(Array) });
    expect(await methodsOf(user.id)).toEqual({ sms: true, authenticator: true, passkeys: 0 });
    expect(await post("security/finish-phone-add", { stored: "on" }, jar)).toMatchObject({ state: { ok: true, redirectTo: "/security?phone-added=1" } });
    expect(mounted.email.messagesTo(user.email).map((m) => m.subject)).toContain("A phone was added to two-step authentication");
    // two-step authentication was on already: no second "enabled" event
    expect(await eventsOf(user.id, "two_factor.enabled")).toEqual([]);
  });
});
