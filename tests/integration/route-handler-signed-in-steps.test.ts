import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { ERROR_MESSAGES } from "@/lib/errors";
import { databaseTargets } from "../helpers/databases";
import { createUser } from "../helpers/fixtures";
import { jarWithPending, jarWithSession, mountedPlugin, setCookieNames, stepRequest, type CookieJar, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, createOrgUser, startChallenge, type TestDeps } from "../helpers/two-factor";

// The route handler's signed-in steps ("Confirm it's you", the Security page, an admin's member
// steps): the host's session answer decides who asks, and the sensitive ones want a recent second factor.

describe.each(databaseTargets())("the route handler's signed-in steps on $name", (target) => {
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

  it("a signed-in step without a session answers 401 and texts nothing; with one, confirm/send texts the member", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const before = mounted.sms.messagesTo(phone).length;
    const anonymous = await handler(stepRequest("confirm/send", {}));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED });
    expect(mounted.sms.messagesTo(phone)).toHaveLength(before);

    const jar = jarWithSession({ userId: user.id, amr: ["pwd"], authTime: mounted.clock.now().getTime() });
    const sent = await handler(stepRequest("confirm/send", {}, { jar }));
    expect(await sent.json()).toMatchObject({ ok: true, message: expect.stringMatching(/^We texted a code to /) });
    const confirmed = await handler(stepRequest("confirm/verify", { method: "sms", code: mounted.sms.lastCodeTo(phone), next: "/security" }, { jar }));
    expect(await confirmed.json()).toEqual({ ok: true, redirectTo: "/security" });
    expect(setCookieNames(confirmed)).toEqual([mounted.plugin.cookies.names.confirmation]);
    jar.take(confirmed);
    const session = await mounted.plugin.checks.session(jarReader(jar));
    expect(session).toMatchObject({ userId: user.id });
    expect(await mounted.plugin.checks.recentSecondFactor(jarReader(jar), session!)).toBe(true);
    mounted.clock.advance(mounted.plugin.options.confirmationTtlMs);
    expect(await mounted.plugin.checks.recentSecondFactor(jarReader(jar), session!)).toBe(false);
  });

  it("the Security page's sensitive steps send a session without a recent second factor to confirm it first, changing nothing", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const stale = jarWithSession({ userId: user.id, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime() - mounted.plugin.options.confirmationTtlMs });
    const refused = await handler(stepRequest("security/backup-codes", {}, { jar: stale }));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ ok: false, redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=new-backup-codes")}` });
    const turnOff = await handler(stepRequest("security/turn-off", {}, { jar: stale }));
    expect(await turnOff.json()).toMatchObject({ redirectTo: `/confirm?next=${encodeURIComponent("/security?resume=turn-off")}` });

    // Refused, nothing was replaced: an old backup code still signs in.
    const first = await startChallenge(deps, user, phone);
    const usedOld = await handler(stepRequest("challenge/verify", { method: "backup", backupCode: backupCodes[0]! }, { jar: await jarWithPending(mounted, first.pending) }));
    expect(await usedOld.json()).toMatchObject({ ok: true });

    const fresh = jarWithSession({ userId: user.id, amr: ["pwd", "sms"], authTime: mounted.clock.now().getTime() });
    const regenerated = await handler(stepRequest("security/backup-codes", {}, { jar: fresh }));
    const state = await regenerated.json();
    expect(state).toMatchObject({ ok: true, message: "New backup codes created. The old codes no longer work." });
    expect(state.backupCodes).toHaveLength(10);
    mounted.clock.advance(mounted.plugin.options.resendIntervalMs);
    const second = await startChallenge(deps, user, phone);
    const old = await handler(stepRequest("challenge/verify", { method: "backup", backupCode: backupCodes[1]! }, { jar: await jarWithPending(mounted, second.pending) }));
    expect(await old.json()).toMatchObject({ ok: false, fieldErrors: { backupCode: expect.any(String) } });
  });

  it("a member step needs an owner or admin of the member's organization, and a recent second factor", async () => {
    const { user: owner, org } = await createEnrolledUser(deps, { role: "owner" });
    const member = await createUser(handle.db, { organizationId: org.id, role: "member" });
    const now = mounted.clock.now().getTime();
    const asMember = jarWithSession({ userId: member.id, amr: ["pwd", "sms"], authTime: now, organizationId: org.id, role: "member" });
    const forbidden = await handler(stepRequest("members/reset", { userId: owner.id }, { jar: asMember }));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ ok: false, error: ERROR_MESSAGES.FORBIDDEN });
    expect((await handler(stepRequest("members/reset", { userId: member.id }))).status).toBe(401);

    const staleOwner = jarWithSession({ userId: owner.id, amr: ["pwd"], authTime: now, organizationId: org.id, role: "owner" });
    const confirmFirst = await handler(stepRequest("members/revoke-devices", { userId: member.id, returnTo: "/account-settings?page=2" }, { jar: staleOwner }));
    expect(await confirmFirst.json()).toMatchObject({ redirectTo: `/confirm?next=${encodeURIComponent(`/account-settings?page=2&resume=revoke&member=${member.id}`)}` });

    const asOwner = jarWithSession({ userId: owner.id, amr: ["pwd", "sms"], authTime: now, organizationId: org.id, role: "owner" });
    const revoked = await handler(stepRequest("members/revoke-devices", { userId: member.id }, { jar: asOwner }));
    expect(await revoked.json()).toMatchObject({ ok: true, message: `0 trusted devices of ${member.email} revoked.` });
    const stranger = await handler(stepRequest("members/reset", { userId: (await createOrgUser(handle.db)).user.id }, { jar: asOwner }));
    expect(await stranger.json()).toEqual({ ok: false, error: "That member is not in your organization." });
  });
});

/** The jar as a host's session strategy reads cookies. */
function jarReader(jar: CookieJar) {
  return {
    get: (name: string) => (jar.values.has(name) ? { value: jar.values.get(name)! } : undefined),
    getAll: () => [...jar.values].map(([name, value]) => ({ name, value })),
  };
}
