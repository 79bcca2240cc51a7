import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { confirmationStatus, confirmSecondFactor } from "@/lib/two-factor/confirm";
import { beginPasskeyConfirmation } from "@/lib/two-factor/passkey-confirm";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { addPasskey, ON_SITE, PASSKEY_OPTIONS, signInOptions, signInWithPasskey } from "../helpers/passkeys";
import { jarWithSession, mountedPlugin, stepRequest, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, pendingFor, type TestDeps } from "../helpers/two-factor";

// "Confirm it's you" with a passkey: a request bound to this session and to confirming, answered
// once, with the sign-in's checks, and refusals on the shared lock.

describe.each(databaseTargets())("Confirm it's you with a passkey, on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    mounted = mountedPlugin(handle.db, PASSKEY_OPTIONS);
    deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
  });
  afterAll(() => handle.close());

  const AUTH_TIME = 1_000;
  const optionsFor = async (userId: string, authTime = AUTH_TIME) => {
    const begun = await beginPasskeyConfirmation(deps, { userId, authTime });
    if (!begun.ok) throw new Error(`refused: ${begun.code}`);
    return begun.options;
  };
  const confirm = (userId: string, code: string, authTime = AUTH_TIME) => confirmSecondFactor(deps, { userId, authTime, method: "passkey", code, request: testRequest() });
  const eventsOf = (userId: string, type: string) =>
    handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, type)));

  it("confirms with the member's passkey, once; the page is told the member has one", async () => {
    const { user } = await createEnrolledUser(deps);
    expect(await confirmationStatus(deps, user.id)).toMatchObject({ hasPasskey: false });
    expect(await beginPasskeyConfirmation(deps, { userId: user.id, authTime: AUTH_TIME })).toEqual({ ok: false, code: "NO_PASSKEY" });
    const { authenticator } = await addPasskey(deps, user.id);
    expect(await confirmationStatus(deps, user.id)).toMatchObject({ hasPasskey: true });
    const answer = authenticator.assert(await optionsFor(user.id), ON_SITE);
    expect(await confirm(user.id, answer)).toEqual({ ok: true });
    expect(await confirm(user.id, answer)).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    expect(await eventsOf(user.id, "two_factor.confirmed")).toEqual([expect.objectContaining({ details: { method: "passkey" } })]);
  });

  it("a confirmation's request does not sign in, a sign-in's does not confirm, and another session's does not confirm this one", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const pending = pendingFor(user.id, { now: deps.clock.now() });
    expect(await signInWithPasskey(deps, pending, authenticator.assert(await optionsFor(user.id), ON_SITE))).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    expect(await confirm(user.id, authenticator.assert(await signInOptions(deps, pending), ON_SITE))).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    expect(await confirm(user.id, authenticator.assert(await optionsFor(user.id, AUTH_TIME + 1), ON_SITE))).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
  });

  it("a refused answer counts on the shared lock; once locked, the request is refused", async () => {
    const locking = { ...deps, options: { ...deps.options, lockoutThreshold: 2 } };
    const { user } = await createEnrolledUser(locking);
    const { authenticator } = await addPasskey(locking, user.id);
    const begin = () => beginPasskeyConfirmation(locking, { userId: user.id, authTime: AUTH_TIME });
    const refuse = async () => {
      const begun = await begin();
      if (!begun.ok) throw new Error("refused");
      return confirmSecondFactor(locking, { userId: user.id, authTime: AUTH_TIME, method: "passkey", code: authenticator.assert(begun.options, { ...ON_SITE, userVerified: false }), request: testRequest() });
    };
    expect(await refuse()).toMatchObject({ ok: false, code: "PASSKEY_NOT_ACCEPTED", triesLeft: 1 });
    expect(await refuse()).toMatchObject({ ok: false, code: "LOCKED", startedFor: user.email });
    expect(await begin()).toMatchObject({ ok: false, code: "LOCKED" });
  });

  it("through the route: confirm/passkey-options, then confirm/verify with method passkey sets the confirmation and goes back", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const jar = jarWithSession({ userId: user.id, amr: ["pwd", "sms"], authTime: AUTH_TIME });
    const post = async (step: string, fields: Record<string, string>) => {
      const response = await mounted.plugin.handler(stepRequest(step, fields, { jar }));
      return { response, state: await response.json() };
    };
    const options = await post("confirm/passkey-options", {});
    expect(options.state.passkeyOptions).toMatchObject({ userVerification: "required" });
    const tooLong = await post("confirm/verify", { method: "sms", code: "1".repeat(65), next: "/security" });
    expect(tooLong.response.status).toBe(400);
    const answer = authenticator.assert(options.state.passkeyOptions, ON_SITE);
    const done = await post("confirm/verify", { method: "passkey", code: answer, next: "/security" });
    expect(done.state).toEqual({ ok: true, redirectTo: "/security" });
    expect(done.response.headers.getSetCookie().some((line) => line.startsWith(`${mounted.plugin.cookies.names.confirmation}=`))).toBe(true);
  });
});
