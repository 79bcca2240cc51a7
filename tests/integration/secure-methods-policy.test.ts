import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db, DatabaseHandle } from "@/lib/db/client";
import { auditEvents, organizations, smsChallenges } from "@/lib/db/schema";
import { authenticatorCodeAt } from "@/lib/two-factor/authenticator-code";
import { twoFactorMessage, type TwoFactorFailure, type TwoFactorScreen } from "@/lib/two-factor/messages";
import { continueAfterPassword } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { CookieJar, jarWithPending, jarWithSession, mountedPlugin, SESSION_COOKIE, stepRequest, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, createOrgUser, setUpAuthenticatorApp, startChallenge, type TestDeps } from "../helpers/two-factor";

// Issue 18, "secure methods only", through the plugin's route handler alone (no middleware): what
// an SMS code can still do for each member, re-read from the organization at every step.

const say = (failure: TwoFactorFailure, screen: TwoFactorScreen) => twoFactorMessage(failure, { screen, now: new Date() });
const REFUSED = (screen: TwoFactorScreen) => say({ code: "SMS_NOT_ACCEPTED" }, screen);
const DAY = 86_400_000;

async function setPolicy(db: Db, organizationId: string, allowed: "any" | "secure", graceUntil: Date | null = null) {
  await db.update(organizations).set({ twoFactorAllowedMethods: allowed, secureMethodsGraceUntil: graceUntil }).where(eq(organizations.id, organizationId));
}

describe.each(databaseTargets())("secure methods only, through the route handler, on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
  });
  // Each test its own clock, from now: sealed cookies expire by the clock, so none carries a lead over.
  beforeEach(async () => {
    mounted = mountedPlugin(handle.db);
    deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
  });
  afterAll(() => handle.close());

  const post = async (step: string, fields: Record<string, string>, jar?: CookieJar) => {
    const response = await mounted.plugin.handler(stepRequest(step, fields, { jar }));
    jar?.take(response);
    return { response, state: await response.json() };
  };
  const liveCodes = (userId: string) =>
    handle.db.select().from(smsChallenges).where(and(eq(smsChallenges.userId, userId), isNull(smsChallenges.consumedAt)));
  const sessionOf = (jar: CookieJar) => jar.values.get(SESSION_COOKIE)?.split("|").slice(0, 2).join("|");
  const nextStep = () => mounted.clock.advance(90_000);

  it("a member with an authenticator app is texted nothing at sign-in; an SMS code sent before the switch is refused without being spent, and works again once SMS is allowed", async () => {
    const { org, user, phone } = await createEnrolledUser(deps);
    const { secret } = await setUpAuthenticatorApp(deps, user);
    nextStep();
    const { pending, code } = await startChallenge(deps, user, phone);
    await setPolicy(handle.db, org.id, "secure");
    const jar = await jarWithPending(mounted, pending);
    const refused = await post("challenge/verify", { method: "sms", code, trustDevice: "on" }, jar);
    expect(refused.state).toEqual({ ok: false, fieldErrors: { code: REFUSED("challenge") } });
    expect(jar.values.has(SESSION_COOKIE)).toBe(false);
    expect(await liveCodes(user.id)).toHaveLength(1);
    const texted = mounted.sms.messagesTo(phone).length;
    const resend = await post("challenge/resend", {}, jar);
    expect(resend.state).toMatchObject({ ok: false, error: REFUSED("challenge") });
    expect(mounted.sms.messagesTo(phone).length).toBe(texted);

    const again = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken: undefined, request: testRequest() });
    expect(again).toMatchObject({ next: "second_factor", sent: null, pending: { stage: "challenge" } });
    expect(mounted.sms.messagesTo(phone).length).toBe(texted);

    const byApp = await post("challenge/verify", { method: "authenticator", code: authenticatorCodeAt(secret, mounted.clock.now()) }, jar);
    expect(byApp.state).toMatchObject({ ok: true, redirectTo: "/" });
    expect(sessionOf(jar)).toBe(`${user.id}|pwd+otp`);

    await setPolicy(handle.db, org.id, "any");
    const back = await post("challenge/verify", { method: "sms", code }, await jarWithPending(mounted, pending));
    expect(back.state).toMatchObject({ ok: true });
  });

  it("backup codes stay accepted under secure methods only (they cover every method)", async () => {
    const { org, user, phone, backupCodes } = await createEnrolledUser(deps);
    await setUpAuthenticatorApp(deps, user);
    nextStep();
    const { pending } = await startChallenge(deps, user, phone);
    await setPolicy(handle.db, org.id, "secure");
    const jar = await jarWithPending(mounted, pending);
    const done = await post("challenge/verify", { method: "backup", backupCode: backupCodes[0]! }, jar);
    expect(done.state).toMatchObject({ ok: true });
    expect(sessionOf(jar)).toBe(`${user.id}|pwd+backup_code`);
  });

  it("Confirm it's you refuses SMS for a member with a secure method: nothing texted, a code sent before is not spent", async () => {
    const { org, user, phone } = await createEnrolledUser(deps);
    await setUpAuthenticatorApp(deps, user);
    const session = jarWithSession({ userId: user.id, amr: ["pwd", "otp"], authTime: mounted.clock.now().getTime() - 3_600_000, organizationId: org.id, role: "member" });
    nextStep();
    const sent = await post("confirm/send", {}, session);
    expect(sent.state).toMatchObject({ ok: true });
    const code = mounted.sms.lastCodeTo(phone);
    await setPolicy(handle.db, org.id, "secure");
    const texted = mounted.sms.messagesTo(phone).length;
    nextStep();
    const resent = await post("confirm/send", {}, session);
    expect(resent.state).toEqual({ ok: false, error: REFUSED("confirm") });
    expect(mounted.sms.messagesTo(phone).length).toBe(texted);
    const verify = await post("confirm/verify", { method: "sms", code, next: "/" }, session);
    expect(verify.state).toEqual({ ok: false, fieldErrors: { code: REFUSED("confirm") } });
    expect(await liveCodes(user.id)).toHaveLength(1);
  });

  it("an SMS-only member past the grace: the right SMS code leads only to the add-a-secure-method stage; the app added there starts the session with sms and otp", async () => {
    const { org, user, phone } = await createEnrolledUser(deps);
    await setPolicy(handle.db, org.id, "secure", new Date(mounted.clock.now().getTime() - 1));
    nextStep();
    const { pending, code } = await startChallenge(deps, user, phone);
    const jar = await jarWithPending(mounted, pending);
    const held = await post("challenge/verify", { method: "sms", code, trustDevice: "on" }, jar);
    expect(held.state).toEqual({ ok: true, message: "Verified. Signing you in…", redirectTo: "/two-factor/secure-setup" });
    expect(jar.values.has(SESSION_COOKIE)).toBe(false);
    expect(jar.values.has(mounted.plugin.cookies.names.trustedDevice)).toBe(false);
    // The same cookie is not at the challenge any more: the SMS code cannot be tried again with it.
    const again = await post("challenge/verify", { method: "sms", code }, jar);
    expect(again.response.status).toBe(409);
    expect(again.state).toMatchObject({ redirectTo: "/two-factor/secure-setup" });

    const begun = await post("secure-setup/begin", {}, jar);
    expect(begun.state.authenticator.secret).toMatch(/^[A-Z2-7]{32}$/);
    const secret = decodeBase32IgnorePadding(begun.state.authenticator.secret);
    const wrong = await post("secure-setup/confirm", { code: String((Number(authenticatorCodeAt(secret, mounted.clock.now())) + 1) % 1_000_000).padStart(6, "0") }, jar);
    expect(wrong.state).toEqual({ ok: false, fieldErrors: { code: say({ code: "INVALID_AUTHENTICATOR_CODE", triesLeft: 4 }, "setup") } });
    const done = await post("secure-setup/confirm", { code: authenticatorCodeAt(secret, mounted.clock.now()) }, jar);
    // The member had backup codes from their phone's setup: none are shown, the session starts.
    expect(done.state).toEqual({ ok: true, redirectTo: "/" });
    expect(sessionOf(jar)).toBe(`${user.id}|pwd+sms+otp`);
    expect(jar.values.has(mounted.plugin.cookies.names.pendingSignIn)).toBe(false);
    const added = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "two_factor.authenticator_added")));
    expect(added).toHaveLength(1);

    // The held cookie, replayed once the app exists, adds nothing more.
    const replay = await post("secure-setup/begin", {}, await jarWithPending(mounted, { ...pending, stage: "secure_setup", proved: "sms" }));
    expect(replay.response.status).toBe(401);
    expect(replay.state).toMatchObject({ ok: false, redirectTo: "/sign-in?ended=1" });
  });

  it("a trusted device does not let an SMS-only member past the grace skip the stage; during the grace SMS signs in as before", async () => {
    const { org, user, phone } = await createEnrolledUser(deps);
    nextStep();
    const first = await startChallenge(deps, user, phone);
    const jar = await jarWithPending(mounted, first.pending);
    expect((await post("challenge/verify", { method: "sms", code: first.code, trustDevice: "on" }, jar)).state).toMatchObject({ ok: true, redirectTo: "/" });
    const device = jar.values.get(mounted.plugin.cookies.names.trustedDevice);
    expect(device).toBeTruthy();

    await setPolicy(handle.db, org.id, "secure", new Date(mounted.clock.now().getTime() + 7 * DAY));
    const inGrace = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken: device, request: testRequest() });
    expect(inGrace.next).toBe("session");
    nextStep();
    const graceChallenge = await startChallenge(deps, user, phone);
    const graceJar = await jarWithPending(mounted, graceChallenge.pending);
    expect((await post("challenge/verify", { method: "sms", code: graceChallenge.code }, graceJar)).state).toMatchObject({ ok: true, redirectTo: "/" });
    expect(sessionOf(graceJar)).toBe(`${user.id}|pwd+sms`);

    await setPolicy(handle.db, org.id, "secure", new Date(mounted.clock.now().getTime() - 1));
    const past = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken: device, request: testRequest() });
    expect(past).toMatchObject({ next: "second_factor", pending: { stage: "challenge" }, sent: { ok: true } });
  });

  it("a new member of a secure-methods-only organization sets up an authenticator app instead of a phone, and gets backup codes before the session", async () => {
    const { org, user } = await createOrgUser(handle.db);
    await setPolicy(handle.db, org.id, "secure", new Date(mounted.clock.now().getTime() + 7 * DAY));
    const after = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken: undefined, request: testRequest() });
    if (after.next !== "second_factor") throw new Error("a second factor is due");
    expect(after.pending.stage).toBe("secure_setup");
    expect(after.pending.proved).toBeUndefined();
    const jar = await jarWithPending(mounted, after.pending);
    const phone = await post("setup/send", { phone: "+12025550100" }, jar);
    expect(phone.response.status).toBe(409);
    expect(phone.state).toMatchObject({ redirectTo: "/two-factor/secure-setup" });
    // A setup-stage cookie from before the switch cannot set up a phone either.
    const oldSetup = await post("setup/send", { phone: "+12025550101" }, await jarWithPending(mounted, { ...after.pending, stage: "setup" }));
    expect(oldSetup.state).toMatchObject({ ok: false, error: REFUSED("setup") });

    const early = await post("secure-setup/finish", { stored: "on" }, jar);
    expect(early.response.status).toBe(409);
    const begun = await post("secure-setup/begin", {}, jar);
    const secret = decodeBase32IgnorePadding(begun.state.authenticator.secret);
    const done = await post("secure-setup/confirm", { code: authenticatorCodeAt(secret, mounted.clock.now()) }, jar);
    expect(done.state.ok).toBe(true);
    expect(done.state.backupCodes).toHaveLength(mounted.plugin.options.backupCodeCount);
    expect(jar.values.has(SESSION_COOKIE)).toBe(false);
    const finished = await post("secure-setup/finish", { stored: "on" }, jar);
    expect(finished.state).toEqual({ ok: true, redirectTo: mounted.plugin.options.setupDonePath });
    expect(sessionOf(jar)).toBe(`${user.id}|pwd+otp`);
    const again = await post("secure-setup/finish", { stored: "on" }, await jarWithPending(mounted, { ...after.pending, ticket: "forged" }));
    expect(again.response.status).toBe(401);
  });

  it("the stage's steps act only for a pending sign-in of that stage: none, or one at the challenge, adds nothing", async () => {
    const { org, user, phone } = await createEnrolledUser(deps);
    await setPolicy(handle.db, org.id, "secure");
    nextStep();
    const { pending } = await startChallenge(deps, user, phone);
    const none = await post("secure-setup/begin", {});
    expect(none.response.status).toBe(401);
    const atChallenge = await post("secure-setup/begin", {}, await jarWithPending(mounted, pending));
    expect(atChallenge.response.status).toBe(409);
    expect(atChallenge.state).toMatchObject({ redirectTo: "/two-factor/challenge" });
    const confirm = await post("secure-setup/confirm", { code: "123456" }, await jarWithPending(mounted, pending));
    expect(confirm.response.status).toBe(409);
  });
});
