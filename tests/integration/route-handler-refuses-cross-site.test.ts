import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { ERROR_MESSAGES } from "@/lib/errors";
import { TWO_FACTOR_STEPS, type TwoFactorStepName } from "@/lib/two-factor";
import { continueAfterPassword } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { createUser, testRequest } from "../helpers/fixtures";
import { CookieJar, jarWithPending, jarWithSession, mountedPlugin, ORIGIN, stepRequest, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, createOrgUser, dumpAllRows, freshPhone, startChallenge, type TestDeps } from "../helpers/two-factor";

// CSRF: the route handler sets the session cookie, so a post another site's page makes the browser
// send (with the member's own cookies) must be refused before anything is read or written. Every
// step is posted as the member's page would post it, only from elsewhere.

// The check compares hosts, as Next.js's own check of server actions does (the scheme is a proxy's
// to say): http://portal.test is not generated, and the portal's cookies are Secure besides.
const sameHost = (origin: string) => URL.canParse(origin) && new URL(origin).host === new URL(ORIGIN).host;
const foreignOrigin = fc.oneof(
  fc.webUrl({ validSchemes: ["https", "http"] }).map((url) => new URL(url).origin).filter((origin) => !sameHost(origin)),
  fc.constantFrom("null", `${ORIGIN}.evil.example`, "https://portal.test.evil.example", "https://evil.example", "https://portal.test:8443", "not a url", ""),
);

/** The headers of a post from another site: a foreign Origin, or none with a foreign Referer (or none at all). */
const crossSite = fc.oneof(
  foreignOrigin.map((origin) => ({ origin })),
  fc.webUrl().map((referer) => ({ origin: null, referer })),
  fc.constant({ origin: null }),
);

describe.each(databaseTargets())("the route handler refuses cross-site posts to every step, on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let jars: Record<TwoFactorStepName, CookieJar>;
  let fields: Record<TwoFactorStepName, Record<string, string>>;
  beforeAll(async () => {
    handle = await target.open();
    mounted = mountedPlugin(handle.db);
    const deps: TestDeps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
    const enrolled = await createEnrolledUser(deps, { role: "owner" });
    const member = await createUser(handle.db, { organizationId: enrolled.org.id, role: "member" });
    const { pending: atChallenge, code } = await startChallenge(deps, enrolled.user, enrolled.phone);
    const { user: newcomer } = await createOrgUser(handle.db);
    const after = await continueAfterPassword(deps, { userId: newcomer.id, returnTo: "/", deviceToken: undefined, request: testRequest() });
    if (after.next !== "second_factor") throw new Error("setup is due");
    const challenge = await jarWithPending(mounted, atChallenge);
    const setup = await jarWithPending(mounted, after.pending);
    const setupWithTicket = await jarWithPending(mounted, { ...after.pending, ticket: "a-ticket" });
    const secureSetup = await jarWithPending(mounted, { ...atChallenge, stage: "secure_setup", proved: "sms" });
    const session = jarWithSession({ userId: enrolled.user.id, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime(), organizationId: enrolled.org.id, role: "owner" });
    jars = {
      "challenge/verify": challenge,
      "challenge/resend": challenge,
      "challenge/passkey-options": challenge,
      "sign-in/cancel": challenge,
      "setup/send": setup,
      "setup/verify": setup,
      "setup/finish": setupWithTicket,
      "secure-setup/begin": secureSetup,
      "secure-setup/confirm": secureSetup,
      "secure-setup/finish": secureSetup,
      "confirm/send": session,
      "confirm/verify": session,
      "confirm/passkey-options": session,
      "security/send": session,
      "security/verify": session,
      "security/finish-setup": session,
      "security/finish-phone": session,
      "security/finish-phone-add": session,
      "security/backup-codes": session,
      "security/turn-off": session,
      "security/revoke-device": session,
      "security/authenticator-begin": session,
      "security/authenticator-confirm": session,
      "security/authenticator-remove": session,
      "security/preferred-method": session,
      "security/phone-remove": session,
      "security/passkey-options": session,
      "security/passkey-add": session,
      "security/passkey-rename": session,
      "security/passkey-remove": session,
      "members/reset": session,
      "members/revoke-devices": session,
    };
    fields = {
      "challenge/verify": { method: "sms", code, trustDevice: "on" },
      "challenge/resend": {},
      "challenge/passkey-options": {},
      "sign-in/cancel": {},
      "setup/send": { phone: freshPhone() },
      "setup/verify": { code: "123456" },
      "setup/finish": { stored: "on" },
      "secure-setup/begin": {},
      "secure-setup/confirm": { code: "123456" },
      "secure-setup/finish": { stored: "on" },
      "confirm/send": {},
      "confirm/passkey-options": {},
      "confirm/verify": { method: "backup", code: enrolled.backupCodes[0]!, next: "/" },
      "security/send": { phone: freshPhone() },
      "security/verify": { code: "123456" },
      "security/finish-setup": { stored: "on" },
      "security/finish-phone": { stored: "on" },
      "security/finish-phone-add": { stored: "on" },
      "security/backup-codes": {},
      "security/turn-off": {},
      "security/revoke-device": { deviceId: "a-device" },
      "security/authenticator-begin": {},
      "security/authenticator-confirm": { code: "123456" },
      "security/authenticator-remove": {},
      "security/preferred-method": { method: "sms" },
      "security/phone-remove": {},
      "security/passkey-options": {},
      "security/passkey-add": { name: "Work laptop", response: "{}" },
      "security/passkey-rename": { passkeyId: "a-passkey", name: "Work laptop" },
      "security/passkey-remove": { passkeyId: "a-passkey" },
      "members/reset": { userId: member.id },
      "members/revoke-devices": { userId: member.id },
    };
  });
  afterAll(() => handle.close());

  it("answers 403 with the cross-site message, sets no cookie, texts nothing and writes nothing", async () => {
    expect(Object.keys(fields).sort()).toEqual(Object.keys(TWO_FACTOR_STEPS).sort());
    const before = await dumpAllRows(handle.db);
    const texted = mounted.sms.attempts.length;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(TWO_FACTOR_STEPS) as TwoFactorStepName[])), crossSite, async (step, headers) => {
        const answer = await mounted.plugin.handler(stepRequest(step, fields[step], { jar: jars[step], headers }));
        expect(answer.status, `${step} ${JSON.stringify(headers)}`).toBe(403);
        expect(await answer.json()).toEqual({ ok: false, error: ERROR_MESSAGES.CROSS_SITE });
        expect(answer.headers.getSetCookie()).toEqual([]);
        expect(answer.headers.get("cache-control")).toBe("no-store");
      }),
      { numRuns: 120 },
    );
    expect(mounted.sms.attempts.length).toBe(texted);
    expect(mounted.email.attempts).toHaveLength(0);
    expect(await dumpAllRows(handle.db)).toEqual(before);
  });

  it("control: the same posts from the site's own page are taken (so the refusals above were the origin's)", async () => {
    const answer = await mounted.plugin.handler(stepRequest("challenge/verify", fields["challenge/verify"], { jar: jars["challenge/verify"] }));
    expect(await answer.json()).toMatchObject({ ok: true });
    expect(answer.headers.getSetCookie().length).toBeGreaterThan(0);
    const reset = await mounted.plugin.handler(stepRequest("members/reset", fields["members/reset"], { jar: jars["members/reset"] }));
    expect(await reset.json()).toMatchObject({ ok: true, message: expect.stringMatching(/was reset/) });
  });
});
