import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, authenticatorApps } from "@/lib/db/schema";
import { ERROR_MESSAGES } from "@/lib/errors";
import { authenticatorCodeAt, matchingSteps, parseAuthenticatorCodeInput } from "@/lib/two-factor/authenticator-code";
import { twoFactorMessage, type TwoFactorFailure, type TwoFactorScreen } from "@/lib/two-factor/messages";
import { databaseTargets } from "../helpers/databases";
import { createUser } from "../helpers/fixtures";
import { jarWithPending, jarWithSession, mountedPlugin, SESSION_COOKIE, setCookieNames, stepRequest, type CookieJar, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, pendingFor, setUpAuthenticatorApp, startChallenge, type TestDeps } from "../helpers/two-factor";

// The authenticator app through the plugin's route handler: the Security page's steps (set up,
// remove) and the sign-in challenge's `method: "authenticator"`.

const STEP_MS = 30_000;
const say = (failure: TwoFactorFailure, screen: TwoFactorScreen) => twoFactorMessage(failure, { screen, now: new Date() });

describe.each(databaseTargets())("the route handler's authenticator app steps on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    mounted = mountedPlugin(handle.db);
    deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
  });
  afterAll(() => handle.close());

  const handler = (request: Request) => mounted.plugin.handler(request);
  const post = async (step: string, fields: Record<string, string>, jar?: CookieJar) => {
    const response = await handler(stepRequest(step, fields, { jar }));
    return { response, state: await response.json(), cookies: setCookieNames(response) };
  };
  const freshSession = (userId: string) => jarWithSession({ userId, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime() });
  /** The clock moved to the start of a step none of the codes used so far reach, drift included. */
  const nextFreshStep = () => mounted.clock.set(new Date((Math.floor(mounted.clock.now().getTime() / STEP_MS) + 3) * STEP_MS));
  const subjectsTo = (address: string) => mounted.email.messagesTo(address).map((m) => m.subject);
  const appsOf = (userId: string) => handle.db.select().from(authenticatorApps).where(eq(authenticatorApps.userId, userId));

  it("the Security page sets an app up: begin shows its key and QR code, a wrong code says so and keeps the setup, a right one saves it and emails the member", async () => {
    const { user } = await createEnrolledUser(deps);
    const jar = freshSession(user.id);
    const begun = await post("security/authenticator-begin", {}, jar);
    expect(begun.response.status).toBe(200);
    expect(begun.state.authenticator.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(begun.state.authenticator.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    const secret = decodeBase32IgnorePadding(begun.state.authenticator.secret);

    const right = authenticatorCodeAt(secret, mounted.clock.now());
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, "0");
    const refused = await post("security/authenticator-confirm", { code: wrong }, jar);
    expect(refused.state).toEqual({ ok: false, fieldErrors: { code: say({ code: "INVALID_AUTHENTICATOR_CODE", triesLeft: 4 }, "security") } });
    const malformed = await post("security/authenticator-confirm", { code: "12a456" }, jar);
    expect(malformed.response.status).toBe(400);
    expect(malformed.state.fieldErrors.code).toBe("The code has digits 0-9 only.");
    expect(subjectsTo(user.email)).not.toContain("An authenticator app was added");

    const saved = await post("security/authenticator-confirm", { code: right.replace(/^(\d{3})/, "$1 ") }, jar);
    expect(saved.state).toEqual({ ok: true, redirectTo: "/security?app-added=1" });
    expect(await appsOf(user.id)).toEqual([expect.objectContaining({ confirmedAt: expect.any(Date) })]);
    expect(subjectsTo(user.email)).toContain("An authenticator app was added");
    const added = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "two_factor.authenticator_added")));
    expect(added).toHaveLength(1);
  });

  it("the app's steps need a session, two-step authentication set up, and a recent second factor; refused, they change nothing", async () => {
    const { user } = await createEnrolledUser(deps);
    for (const step of ["security/authenticator-begin", "security/authenticator-remove"]) {
      const anonymous = await post(step, {});
      expect(anonymous.response.status).toBe(401);
      expect(anonymous.state).toEqual({ ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED });
    }
    const stale = jarWithSession({ userId: user.id, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime() - mounted.plugin.options.confirmationTtlMs });
    const begin = await post("security/authenticator-begin", {}, stale);
    expect(begin.response.status).toBe(403);
    expect(begin.state).toMatchObject({ ok: false, redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=authenticator-setup")}` });
    const confirm = await post("security/authenticator-confirm", { code: "123456" }, stale);
    expect(confirm.state).toMatchObject({ redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=authenticator-setup")}` });
    const remove = await post("security/authenticator-remove", {}, stale);
    expect(remove.state).toMatchObject({ redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=authenticator-remove")}` });
    expect(await appsOf(user.id)).toEqual([]);

    const notSetUp = await createUser(handle.db);
    const refused = await post("security/authenticator-begin", {}, freshSession(notSetUp.id));
    expect(refused.response.status).toBe(409);
    expect(refused.state).toEqual({ ok: false, error: say({ code: "NOT_ENROLLED" }, "security") });
    expect(await appsOf(notSetUp.id)).toEqual([]);
  });

  it("challenge/verify with the app's code signs in as the SMS code does: the session, the trusted device, the redirect; the same code again is refused", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { secret } = await setUpAuthenticatorApp(deps, user);
    nextFreshStep();
    const first = await startChallenge(deps, user, phone);
    const code = authenticatorCodeAt(secret, mounted.clock.now());
    const signedIn = await post("challenge/verify", { method: "authenticator", code, trustDevice: "on" }, await jarWithPending(mounted, first.pending));
    expect(signedIn.state).toEqual({ ok: true, message: "Verified. Signing you in…", redirectTo: "/" });
    const names = mounted.plugin.cookies.names;
    expect(signedIn.cookies).toEqual(expect.arrayContaining([SESSION_COOKIE, names.trustedDevice, names.pendingSignIn]));
    expect(subjectsTo(user.email)).toContain("A new device is trusted");

    mounted.clock.advance(mounted.plugin.options.resendIntervalMs);
    const second = await startChallenge(deps, user, phone);
    const replayed = await post("challenge/verify", { method: "authenticator", code, trustDevice: "on" }, await jarWithPending(mounted, second.pending));
    expect(replayed.state).toEqual({ ok: false, fieldErrors: { code: say({ code: "AUTHENTICATOR_CODE_USED" }, "challenge") } });
    expect(replayed.cookies).toEqual([]);
    // The texted code of this sign-in still works: the app is one more way in, not the only one.
    const bySms = await post("challenge/verify", { method: "sms", code: second.code }, await jarWithPending(mounted, second.pending));
    expect(bySms.state).toMatchObject({ ok: true });
  });

  it("the authenticator step never starts a session without a pending sign-in at the challenge, nor with a wrong, replayed or malformed code", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { secret } = await setUpAuthenticatorApp(deps, user);
    nextFreshStep();
    const { pending } = await startChallenge(deps, user, phone);
    const used = authenticatorCodeAt(secret, mounted.clock.now());
    expect((await post("challenge/verify", { method: "authenticator", code: used }, await jarWithPending(mounted, pending))).state).toMatchObject({ ok: true });
    const earlier = authenticatorCodeAt(secret, new Date(mounted.clock.now().getTime() - STEP_MS));
    const now = mounted.clock.now();
    const neverRight = (code: string) => matchingSteps(secret, code, now).length === 0;
    const attempt = fc.oneof(
      fc.record({ kind: fc.constant("no pending sign-in" as const), code: fc.constant(authenticatorCodeAt(secret, new Date(now.getTime() + STEP_MS))) }),
      fc.record({ kind: fc.constant("pending sign-in at setup" as const), code: fc.constant(authenticatorCodeAt(secret, new Date(now.getTime() + STEP_MS))) }),
      fc.record({ kind: fc.constant("wrong" as const), code: fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, "0")).filter(neverRight) }),
      fc.record({ kind: fc.constant("replayed" as const), code: fc.constantFrom(used, earlier) }),
      fc.record({ kind: fc.constant("malformed" as const), code: fc.string({ maxLength: 80 }).filter((s) => !parseAuthenticatorCodeInput(s).ok) }),
    );
    await fc.assert(
      fc.asyncProperty(attempt, async ({ kind, code }) => {
        const at = kind === "pending sign-in at setup" ? pendingFor(user.id, { stage: "setup", now }) : pendingFor(user.id, { now });
        const jar = kind === "no pending sign-in" ? undefined : await jarWithPending(mounted, at);
        const { state, cookies } = await post("challenge/verify", { method: "authenticator", code, trustDevice: "on" }, jar);
        expect(state.ok, `${kind} ${JSON.stringify(code)}`).toBe(false);
        expect(cookies).not.toContain(SESSION_COOKIE);
        expect(cookies).not.toContain(mounted.plugin.cookies.names.trustedDevice);
      }),
      { numRuns: 60 },
    );
  });

  it("removing the app takes its codes away and emails the member; the challenge then refuses them", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { secret } = await setUpAuthenticatorApp(deps, user);
    const removed = await post("security/authenticator-remove", {}, freshSession(user.id));
    expect(removed.state).toEqual({ ok: true, redirectTo: "/security?app-removed=1" });
    expect(await appsOf(user.id)).toEqual([]);
    expect(subjectsTo(user.email)).toContain("Your authenticator app was removed");
    const again = await post("security/authenticator-remove", {}, freshSession(user.id));
    expect(again.state).toEqual({ ok: false, error: say({ code: "NO_AUTHENTICATOR_APP" }, "security") });

    nextFreshStep();
    const { pending } = await startChallenge(deps, user, phone);
    const refused = await post("challenge/verify", { method: "authenticator", code: authenticatorCodeAt(secret, mounted.clock.now()) }, await jarWithPending(mounted, pending));
    expect(refused.state).toEqual({ ok: false, fieldErrors: { code: say({ code: "NO_AUTHENTICATOR_APP" }, "challenge") } });
    expect(refused.cookies).toEqual([]);
  });
});
