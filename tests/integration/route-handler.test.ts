import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { ERROR_MESSAGES } from "@/lib/errors";
import { TWO_FACTOR_STEPS } from "@/lib/two-factor";
import { continueAfterPassword } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { CookieJar, jarWithPending, MOUNT, mountedPlugin, SESSION_COOKIE, setCookieNames, stepRequest, type Mounted } from "../helpers/route-handler";
import { contendedDb, createEnrolledUser, createOrgUser, freshPhone, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

// The plugin's route handler, as a host mounts it (app/api/two-factor/[...step]/route.ts): real
// Requests in, real Responses out, the database behind it real.

describe.each(databaseTargets())("the two-factor route handler on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    mounted = mountedPlugin(handle.db);
    deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
  });
  afterAll(() => handle.close());

  const { handler } = { handler: (request: Request) => mounted.plugin.handler(request) };

  it("a whole sign-in with setup: the password step, then setup/send, setup/verify and setup/finish, ends with the host's session cookie", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: true });
    const after = await continueAfterPassword(deps, { userId: user.id, returnTo: "/reports", deviceToken: undefined, request: testRequest() });
    if (after.next !== "second_factor") throw new Error("a second factor is due");
    expect(after.pending.stage).toBe("setup");
    const jar = await jarWithPending(mounted, after.pending);
    const phone = freshPhone();

    const sent = await handler(stepRequest("setup/send", { phone }, { jar }));
    expect(sent.status).toBe(200);
    expect(sent.headers.get("cache-control")).toBe("no-store");
    expect(await sent.json()).toMatchObject({ ok: true, phoneMasked: expect.stringMatching(/\d{2,4}$/), values: { phone } });

    const verified = await handler(stepRequest("setup/verify", { code: mounted.sms.lastCodeTo(phone) }, { jar }));
    const verifiedState = await verified.json();
    expect(verified.status).toBe(200);
    expect(verifiedState).toMatchObject({ ok: true });
    expect(verifiedState.backupCodes).toHaveLength(10);
    expect(setCookieNames(verified)).toEqual([mounted.plugin.cookies.names.pendingSignIn]);
    expect(setCookieNames(verified)).not.toContain(SESSION_COOKIE);
    jar.take(verified);

    const finished = await handler(stepRequest("setup/finish", { stored: "on" }, { jar }));
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ ok: true, redirectTo: "/two-step-enabled?next=%2Freports" });
    expect(setCookieNames(finished)).toEqual(expect.arrayContaining([SESSION_COOKIE, mounted.plugin.cookies.names.pendingSignIn]));
    const session = finished.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`))!;
    expect(session).toContain(encodeURIComponent(`${user.id}|pwd+sms|`));
    expect(session).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    jar.take(finished);
    expect(jar.values.has(mounted.plugin.cookies.names.pendingSignIn)).toBe(false);

    // The ticket is spent: the same finish again starts nothing.
    const again = await handler(stepRequest("setup/finish", { stored: "on" }, { jar: await jarWithPending(mounted, { ...after.pending, ticket: "spent" }) }));
    expect(setCookieNames(again)).not.toContain(SESSION_COOKIE);
  });

  it("challenge/verify takes a right code once, even under 20 concurrent submissions: one session cookie, 19 refusals", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const jar = await jarWithPending(mounted, pending);
    const racing = contendedDb(handle.db, { statement: "consume_sms_challenge", parties: 20 });
    const racer = mountedPlugin(racing.db, { clock: mounted.clock, sms: mounted.sms });
    const answers = await Promise.all(Array.from({ length: 20 }, () => racer.plugin.handler(stepRequest("challenge/verify", { method: "sms", code }, { jar }))));
    expect(racing.gate.arrived).toBeGreaterThanOrEqual(20);
    const signedIn = answers.filter((a) => setCookieNames(a).includes(SESSION_COOKIE));
    expect(signedIn).toHaveLength(1);
    expect(await signedIn[0]!.json()).toEqual({ ok: true, message: "Verified. Signing you in…", redirectTo: "/" });
    for (const refused of answers.filter((a) => a !== signedIn[0])) {
      expect(refused.status).toBe(200);
      expect(await refused.json()).toMatchObject({ ok: false, fieldErrors: { code: expect.stringMatching(/expired or was replaced/) } });
    }
    const succeeded = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "sign_in.second_factor_succeeded")));
    expect(succeeded).toHaveLength(1);
  });

  it("a wrong code is answered in the form's words with the tries left, and a backup code works through the same step", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const jar = await jarWithPending(mounted, pending);
    const wrong = await handler(stepRequest("challenge/verify", { method: "sms", code: wrongCode(code) }, { jar }));
    expect(wrong.status).toBe(200);
    expect(await wrong.json()).toEqual({ ok: false, fieldErrors: { code: "That code is not right. 4 tries left for this code." } });
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const backup = await handler(stepRequest("challenge/verify", { method: "backup", backupCode: backupCodes[0]!, trustDevice: "on" }, { jar }));
    expect(await backup.json()).toMatchObject({ ok: true, redirectTo: "/" });
    expect(setCookieNames(backup)).toEqual(expect.arrayContaining([SESSION_COOKIE, mounted.plugin.cookies.names.trustedDevice]));
  });

  it("every step that needs a pending sign-in, posted without one, answers 401 and sets no session", async () => {
    const fields: Record<string, Record<string, string>> = {
      "challenge/verify": { method: "sms", code: "123456" },
      "challenge/resend": {},
      "setup/send": { phone: freshPhone() },
      "setup/verify": { code: "123456" },
      "setup/finish": { stored: "on" },
    };
    const sentBefore = mounted.sms.attempts.length;
    for (const [step, form] of Object.entries(fields)) {
      const answer = await handler(stepRequest(step, form, { jar: new CookieJar().set(mounted.plugin.cookies.names.pendingSignIn, "Fe26.2**forged") }));
      expect(answer.status, step).toBe(401);
      expect(await answer.json(), step).toMatchObject({ ok: false, redirectTo: "/sign-in?expired=1" });
      expect(setCookieNames(answer), step).not.toContain(SESSION_COOKIE);
    }
    expect(mounted.sms.attempts.length).toBe(sentBefore);
  });

  it("bad input answers 400 with the field's message and changes nothing; a body over the limit 413; an unreadable one 400", async () => {
    const bad = await handler(stepRequest("challenge/verify", { method: "sms", code: "12345x" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: ERROR_MESSAGES.INVALID_INPUT, fieldErrors: { code: expect.any(String) } });
    expect((await handler(stepRequest("challenge/verify", { method: "email", code: "123456" }))).status).toBe(400);
    const large = await handler(formPost("setup/send", `phone=${"1".repeat(20_000)}`));
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ ok: false, error: ERROR_MESSAGES.BODY_TOO_LARGE });
    expect((await handler(formPost("setup/send", '{"phone":"+14155550123"}', "application/json"))).status).toBe(400);
  });

  it("an unknown step, or a known one spelt otherwise (case, a trailing slash, an encoded slash, '..'), answers 404", async () => {
    const names = Object.keys(TWO_FACTOR_STEPS);
    const odd = fc.oneof(
      fc.constantFrom(...names).map((name) => name.toUpperCase()),
      fc.constantFrom(...names).map((name) => name.replace(/^./, (c) => c.toUpperCase())),
      fc.constantFrom(...names).map((name) => `${name}/`),
      fc.constantFrom(...names).map((name) => name.replace("/", "%2F")),
      fc.constantFrom(...names).map((name) => name.replace("/", "%2f")),
      fc.constantFrom(...names).map((name) => `${name}/..`),
      fc.constantFrom(...names).map((name) => `${name}/%2e%2e`),
      fc.constantFrom(...names).map((name) => `${name}/extra`),
      fc.constantFrom(...names).map((name) => name.split("/")[1]!),
      fc.stringMatching(/^[a-z-]{1,12}\/[a-z-]{1,12}$/).filter((name) => !names.includes(name)),
    );
    await fc.assert(
      fc.asyncProperty(odd, async (step) => {
        const answer = await handler(stepRequest(`${MOUNT}/${step}`, { method: "sms", code: "123456", stored: "on", phone: "+14155550123" }));
        expect(answer.status, step).toBe(404);
        expect(answer.headers.getSetCookie()).toEqual([]);
      }),
      { numRuns: 60 },
    );
    // The mount path is the host's: the same step under another path is that step.
    expect((await handler(stepRequest("/auth/mfa/challenge/verify", { method: "sms", code: "12345x" }))).status).toBe(400);
  });

  it("a database failure answers 503, sets no cookie, and is reported through the host's onError", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const broken = mountedPlugin(handle.db, {
      database: () => {
        throw new Error("connection refused");
      },
    });
    const answer = await broken.plugin.handler(stepRequest("challenge/verify", { method: "sms", code }, { jar: await jarWithPending(broken, pending) }));
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE });
    expect(answer.headers.getSetCookie()).toEqual([]);
    expect(broken.errors).toHaveLength(1);
    // Nothing was used up: the same code then signs in.
    const done = await handler(stepRequest("challenge/verify", { method: "sms", code }, { jar: await jarWithPending(mounted, pending) }));
    expect(setCookieNames(done)).toContain(SESSION_COOKIE);
  });

  it("sign-in/cancel clears the pending sign-in and goes back to sign-in", async () => {
    const { user } = await createOrgUser(handle.db);
    const jar = await jarWithPending(mounted, { userId: user.id, nonce: "n", stage: "setup", createdAt: mounted.clock.now().getTime(), returnTo: "/" });
    const answer = await handler(stepRequest("sign-in/cancel", {}, { jar }));
    expect(await answer.json()).toEqual({ ok: true, redirectTo: "/sign-in" });
    expect(answer.headers.getSetCookie()[0]).toMatch(new RegExp(`^${mounted.plugin.cookies.names.pendingSignIn}=; Path=/; Max-Age=0`));
  });
});

/** A body as the client wrote it (a string: read in one chunk). */
function formPost(step: string, body: string, contentType = "application/x-www-form-urlencoded") {
  return new Request(`https://portal.test${MOUNT}/${step}`, { method: "POST", body, headers: { host: "portal.test", origin: "https://portal.test", "content-type": contentType } });
}
