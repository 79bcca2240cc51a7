import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { completeSignInChallenge } from "@/lib/two-factor/challenge-completion";
import { twoFactorCookies, type CookieInstruction } from "@/lib/two-factor/cookies";
import type { TwoFactorFlowDeps } from "@/lib/two-factor/flow";
import { finishSignInSetup, verifyPhoneForSignIn } from "@/lib/two-factor/setup-completion";
import { sendSetupCode } from "@/lib/two-factor/setup";
import type { SessionGrant } from "@/lib/two-factor/sign-in-ticket";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender, type RecordingEmailSender } from "../helpers/email";
import { testRequest } from "../helpers/fixtures";
import { createEnrolledUser, createOrgUser, freshPhone, makeDeps, pendingFor, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

// The flow's last steps answer with a description (cookies, where the browser goes) and never
// touch Next.js: a host with its own cookie prefix, paths and session strategy gets its own.
const hostOptions = { cookiePrefix: "acme", twoFactorPath: "/account/mfa", signInPath: "/login", setupDonePath: "/welcome" };
const sessionPassword = "s".repeat(32);

describe.each(databaseTargets({ throughPooler: true }))("the flow's answers on $name", (target) => {
  let handle: DatabaseHandle;
  let base: TestDeps;
  let deps: TwoFactorFlowDeps;
  let email: RecordingEmailSender;
  let grants: SessionGrant[];
  beforeAll(async () => {
    handle = await target.open();
    base = makeDeps(handle.db, { options: hostOptions });
    email = recordingEmailSender();
    grants = [];
    deps = {
      ...base,
      email,
      sessionPassword,
      // The host's session strategy: the core passes the grant through and returns its cookies.
      startSession: async (grant) => {
        grants.push(grant);
        return [{ name: "acme-session", value: `session-of-${grant.userId}`, attributes: { httpOnly: true, secure: true, sameSite: "lax", path: "/" } }];
      },
    };
  });
  afterAll(() => handle.close());

  const names = (cookies: CookieInstruction[]) => cookies.map((c) => c.name);

  it("a right code with 'trust this device' answers the device cookie, the host's session cookie and the pending sign-in's end", async () => {
    const { user, phone } = await createEnrolledUser(base);
    const { pending, code } = await startChallenge(base, user, phone);
    const done = await completeSignInChallenge(deps, {
      method: "sms",
      pending: { ...pending, returnTo: "/members?tab=all" },
      code,
      trustThisDevice: true,
      request: testRequest(),
    });
    expect(done).toMatchObject({ ok: true, redirectTo: "/members?tab=all" });
    expect(names(done.cookies)).toEqual(["__Host-acme-device", "acme-session", "__Host-acme-pending"]);
    const [device, session, cleared] = done.cookies;
    expect(device!.value).toMatch(/^[\w-]{43}$/);
    expect(device!.attributes).toEqual({
      httpOnly: true,
      secure: true,
      sameSite: "lax",
      path: "/",
      expires: new Date(base.clock.now().getTime() + base.options.trustedDeviceTtlMs),
    });
    expect(session!.value).toBe(`session-of-${user.id}`);
    expect(cleared).toMatchObject({ value: "", attributes: { maxAge: 0 } });
    expect(grants.at(-1)).toEqual({ userId: user.id, amr: ["pwd", "sms"] });
    expect(email.messagesTo(user.email).at(-1)?.subject).toMatch(/trusted/i);
  });

  it("a sign-in never returns to the host's own sign-in or two-factor pages, and keeps any other page of the host's", async () => {
    for (const [returnTo, expected] of [
      ["/login?next=%2Fx", "/"],
      ["/account/mfa/setup", "/"],
      ["/account/mfa", "/"],
      ["/sign-in/help", "/sign-in/help"],
      ["/two-factor", "/two-factor"],
      ["/reports?q=1", "/reports?q=1"],
    ] as const) {
      const { user, phone } = await createEnrolledUser(base);
      const { pending, code } = await startChallenge(base, user, phone);
      const done = await completeSignInChallenge(deps, { method: "sms", pending: { ...pending, returnTo }, code, trustThisDevice: false, request: testRequest() });
      expect(done, returnTo).toMatchObject({ ok: true, redirectTo: expected });
    }
  });

  it("without 'trust this device' answers no device cookie", async () => {
    const { user, phone } = await createEnrolledUser(base);
    const { pending, code } = await startChallenge(base, user, phone);
    const done = await completeSignInChallenge(deps, { method: "sms", pending, code, trustThisDevice: false, request: testRequest() });
    expect(done.ok).toBe(true);
    expect(names(done.cookies)).toEqual(["acme-session", "__Host-acme-pending"]);
  });

  it("a wrong code starts no session and sets no cookie; a missing or misplaced sign-in goes to the host's pages", async () => {
    const { user, phone } = await createEnrolledUser(base);
    const { pending, code } = await startChallenge(base, user, phone);
    const before = grants.length;
    const wrong = await completeSignInChallenge(deps, { method: "sms", pending, code: wrongCode(code), trustThisDevice: true, request: testRequest() });
    expect(wrong).toMatchObject({ ok: false, cookies: [], redirectTo: null });
    expect(grants.length).toBe(before);
    const none = await completeSignInChallenge(deps, { method: "sms", pending: null, code, trustThisDevice: false, request: testRequest() });
    expect(none).toEqual({ ok: false, code: "SESSION_EXPIRED", cookies: [], redirectTo: "/login?expired=1" });
    const setup = await completeSignInChallenge(deps, { method: "sms", pending: { ...pending, stage: "setup" }, code, trustThisDevice: false, request: testRequest() });
    expect(setup).toMatchObject({ ok: false, code: "SESSION_EXPIRED", redirectTo: "/account/mfa/setup" });
  });

  it("the failure that locks answers the lock, and its email waits for the host's 'after the answer'", async () => {
    const { user, phone } = await createEnrolledUser(base);
    const { pending, code } = await startChallenge(base, user, phone);
    const deferred: (() => Promise<void>)[] = [];
    const locking: TwoFactorFlowDeps = { ...deps, options: { ...deps.options, lockoutThreshold: 1 }, defer: (task) => deferred.push(task) };
    const before = email.messagesTo(user.email).length;
    const done = await completeSignInChallenge(locking, { method: "sms", pending, code: wrongCode(code), trustThisDevice: false, request: testRequest() });
    expect(done).toMatchObject({ ok: false, code: "LOCKED", cookies: [], redirectTo: null });
    expect(email.messagesTo(user.email).length).toBe(before);
    expect(deferred).toHaveLength(1);
    await deferred[0]!();
    expect(email.messagesTo(user.email).slice(before).map((m) => m.subject)).toEqual([expect.stringMatching(/locked/i)]);
  });

  it("setup during sign-in carries the ticket in the pending cookie, then ends it and starts the host's session once", async () => {
    const { user } = await createOrgUser(handle.db);
    const phone = freshPhone();
    const pending = pendingFor(user.id, { stage: "setup", now: base.clock.now(), returnTo: "/members" });
    expect(await sendSetupCode(base, { userId: user.id, attemptNonce: pending.nonce, phone, request: testRequest(), signIn: pending })).toMatchObject({ ok: true });
    const verified = await verifyPhoneForSignIn(deps, { pending, code: base.sms.lastCodeTo(phone), request: testRequest() });
    expect(verified).toMatchObject({ ok: true, redirectTo: null });
    expect(names(verified.cookies)).toEqual(["__Host-acme-pending"]);
    const jar = { get: (name: string) => verified.cookies.find((c) => c.name === name) };
    const carried = await twoFactorCookies(base.options).pendingSignIn.read(jar, sessionPassword, base.clock.now().getTime());
    expect(carried?.ticket).toEqual(expect.any(String));
    expect(email.messagesTo(user.email).at(-1)?.subject).toBe("Two-step authentication is on");

    const finished = await finishSignInSetup(deps, carried!);
    expect(finished).toMatchObject({ ok: true, redirectTo: "/welcome?next=%2Fmembers" });
    expect(names(finished.cookies)).toEqual(["__Host-acme-pending", "acme-session"]);
    expect(grants.at(-1)).toEqual({ userId: user.id, amr: ["pwd", "sms"] });
    const again = await finishSignInSetup(deps, carried!);
    expect(again).toMatchObject({ ok: false, code: "SESSION_EXPIRED", redirectTo: "/login?expired=1" });
    expect(names(again.cookies)).toEqual(["__Host-acme-pending"]);
  });
});
