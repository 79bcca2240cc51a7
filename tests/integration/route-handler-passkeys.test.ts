import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { passkeys } from "@/lib/db/schema";
import { ERROR_MESSAGES } from "@/lib/errors";
import { twoFactorMessage, type TwoFactorFailure, type TwoFactorScreen } from "@/lib/two-factor/messages";
import { PASSKEY_NAME_RULE } from "@/lib/two-factor/passkeys";
import { databaseTargets } from "../helpers/databases";
import { addPasskey, ON_SITE, PASSKEY_OPTIONS } from "../helpers/passkeys";
import { jarWithPending, jarWithSession, mountedPlugin, SESSION_COOKIE, setCookieNames, stepRequest, type CookieJar, type Mounted } from "../helpers/route-handler";
import { SoftwareAuthenticator } from "../helpers/software-authenticator";
import { createEnrolledUser, startChallenge, type TestDeps } from "../helpers/two-factor";

// Passkeys through the plugin's route handler: the Security page's steps (options, add, rename,
// remove) and the challenge's (options, then challenge/verify with method "passkey"). JSON out;
// the browser's answer goes in as one form field holding its JSON.

const say = (failure: TwoFactorFailure, screen: TwoFactorScreen) => twoFactorMessage(failure, { screen, now: new Date() });

describe.each(databaseTargets())("the route handler's passkey steps on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    mounted = mountedPlugin(handle.db, PASSKEY_OPTIONS);
    deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
  });
  afterAll(() => handle.close());

  const post = async (step: string, fields: Record<string, string>, jar?: CookieJar) => {
    const response = await mounted.plugin.handler(stepRequest(step, fields, { jar }));
    return { response, state: await response.json(), cookies: setCookieNames(response) };
  };
  const authTime = () => mounted.clock.now().getTime();
  const sessionOf = (userId: string, at = authTime()) => jarWithSession({ userId, amr: ["pwd", "sms"], authTime: at });
  const subjectsTo = (address: string) => mounted.email.messagesTo(address).map((m) => m.subject);

  it("the Security page adds a named passkey: options, then the browser's answer; the member is emailed; a bad name is refused with the rule", async () => {
    const { user } = await createEnrolledUser(deps);
    const jar = sessionOf(user.id);
    const options = await post("security/passkey-options", {}, jar);
    expect(options.response.status).toBe(200);
    expect(options.state.passkeyOptions).toMatchObject({ rp: { id: "portal.test" }, authenticatorSelection: { userVerification: "required" } });
    const answer = new SoftwareAuthenticator().register(options.state.passkeyOptions, ON_SITE);
    const badName = await post("security/passkey-add", { name: " ".repeat(3), response: answer }, jar);
    expect(badName.response.status).toBe(400);
    expect(badName.state.fieldErrors.name).toBe(PASSKEY_NAME_RULE);
    const added = await post("security/passkey-add", { name: "  Work laptop ", response: answer }, jar);
    expect(added.state).toEqual({ ok: true, redirectTo: "/security?passkey-added=1", values: { name: "  Work laptop " } });
    expect(await handle.db.select({ name: passkeys.name }).from(passkeys).where(eq(passkeys.userId, user.id))).toEqual([{ name: "Work laptop" }]);
    expect(subjectsTo(user.email)).toContain("A passkey was added");
    const replayed = await post("security/passkey-add", { name: "Again", response: answer }, jar);
    expect(replayed.state).toMatchObject({ ok: false, error: say({ code: "NO_PASSKEY_REQUEST" }, "security") });
  });

  it("adding and removing need a session, two-step authentication set up, and a recent second factor; renaming a session", async () => {
    const { user } = await createEnrolledUser(deps);
    const { done } = await addPasskey(deps, user.id);
    if (!done.ok) throw new Error("not added");
    for (const step of ["security/passkey-options", "security/passkey-remove"]) {
      const anonymous = await post(step, { passkeyId: done.passkey.id });
      expect(anonymous.response.status).toBe(401);
      expect(anonymous.state).toEqual({ ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED });
    }
    const stale = sessionOf(user.id, authTime() - mounted.plugin.options.confirmationTtlMs);
    const options = await post("security/passkey-options", {}, stale);
    expect(options.response.status).toBe(403);
    expect(options.state).toMatchObject({ redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=passkey-add")}` });
    const remove = await post("security/passkey-remove", { passkeyId: done.passkey.id }, stale);
    expect(remove.state).toMatchObject({ redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=passkey-remove")}` });
    const renamed = await post("security/passkey-rename", { passkeyId: done.passkey.id, name: "Renamed" }, stale);
    expect(renamed.state).toMatchObject({ ok: true, redirectTo: "/security?passkey-renamed=1" });
    const removed = await post("security/passkey-remove", { passkeyId: done.passkey.id }, sessionOf(user.id));
    expect(removed.state).toEqual({ ok: true, redirectTo: "/security?passkey-removed=1" });
    expect(subjectsTo(user.email)).toContain("A passkey was removed");
    expect(mounted.email.messagesTo(user.email).at(-1)?.text).toContain("“Renamed”");
  });

  it("the challenge signs in with a passkey: options for the pending sign-in, then challenge/verify with method passkey starts the session", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const { pending } = await startChallenge(deps, user, phone);
    const jar = await jarWithPending(mounted, pending);
    const options = await post("challenge/passkey-options", {}, jar);
    expect(options.state.passkeyOptions).toMatchObject({ rpId: "portal.test", allowCredentials: [expect.objectContaining({ id: authenticator.id })] });
    const refused = await post("challenge/verify", { method: "passkey", response: authenticator.assert(options.state.passkeyOptions, { ...ON_SITE, origin: "https://evil.test" }) }, jar);
    expect(refused.state).toEqual({ ok: false, fieldErrors: { response: say({ code: "PASSKEY_NOT_ACCEPTED", triesLeft: 9 }, "challenge") } });
    const again = await post("challenge/passkey-options", {}, jar);
    const signedIn = await post("challenge/verify", { method: "passkey", response: authenticator.assert(again.state.passkeyOptions, ON_SITE), trustDevice: "on" }, jar);
    expect(signedIn.state).toEqual({ ok: true, message: "Verified. Signing you in…", redirectTo: "/" });
    expect(signedIn.cookies).toEqual(expect.arrayContaining([SESSION_COOKIE, mounted.plugin.cookies.names.trustedDevice, mounted.plugin.cookies.names.pendingSignIn]));
  });

  it("the challenge's passkey options need a pending sign-in at the challenge, and a member with a passkey", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const none = await post("challenge/passkey-options", {});
    expect(none.response.status).toBe(401);
    const { pending } = await startChallenge(deps, user, phone);
    const noPasskey = await post("challenge/passkey-options", {}, await jarWithPending(mounted, pending));
    expect(noPasskey.state).toEqual({ ok: false, error: say({ code: "NO_PASSKEY" }, "challenge") });
    const malformed = await post("challenge/verify", { method: "passkey", response: "x" }, await jarWithPending(mounted, pending));
    expect(malformed.response.status).toBe(400);
  });
});
