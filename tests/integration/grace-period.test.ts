import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, organizations, type Role } from "@/lib/db/schema";
import { getOrganization, setOrganizationRequiresTwoFactor } from "@/lib/organizations";
import { loadSecondFactorState } from "@/lib/two-factor/policy";
import { continueAfterPassword } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { enrollUser, makeDeps, type TestDeps } from "../helpers/two-factor";

const DAY = 24 * 60 * 60_000;

describe.each(databaseTargets())("2FA requirement with a grace period on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const afterPassword = (userId: string) =>
    continueAfterPassword(deps, { userId, returnTo: "/", deviceToken: undefined, request: testRequest() });

  async function organization() {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const people: Record<Role, { id: string }> = {
      owner,
      admin: await createUser(handle.db, { organizationId: org.id, role: "admin" }),
      member: await createUser(handle.db, { organizationId: org.id, role: "member" }),
    };
    return { org, owner, people };
  }

  const requireIt = (orgId: string, actorUserId: string, graceDays?: number | null, required = true) =>
    setOrganizationRequiresTwoFactor(handle.db, { organizationId: orgId, actorUserId, required, graceDays, recentSecondFactor: true, request: testRequest(), now: deps.clock.now() });

  async function expectSession(userId: string, label: string) {
    const result = await afterPassword(userId);
    expect(result.next, label).toBe("session");
    if (result.next === "session") {
      expect(result.session).toEqual({ userId, amr: ["pwd"] });
    }
  }
  async function expectHeldInSetup(userId: string, label: string) {
    expect(await afterPassword(userId), label).toMatchObject({ next: "second_factor", sent: null, pending: { userId, stage: "setup" } });
  }

  it.each([1, 7, 30])(
    "'within N days' with N = %i: owner, admins and members who have not set up sign in with the password until the days pass, then are held in setup",
    async (days) => {
      const { org, owner, people } = await organization();
      const requiredAt = deps.clock.now().getTime();
      expect(await requireIt(org.id, owner.id, days)).toMatchObject({ ok: true, changed: true });
      const deadline = new Date(requiredAt + days * DAY);
      expect((await getOrganization(handle.db, org.id))?.twoFactorGraceUntil).toEqual(deadline);

      for (const [role, user] of Object.entries(people)) {
        expect(await loadSecondFactorState(deps, user.id, deps.clock.now())).toMatchObject({
          requiredByOrganization: true,
          inGracePeriod: true,
          graceUntil: deadline,
          required: false,
        });
        await expectSession(user.id, `${role} right after the change`);
      }
      deps.clock.set(new Date(deadline.getTime() - 1));
      for (const [role, user] of Object.entries(people)) await expectSession(user.id, `${role} 1 ms before the deadline`);

      deps.clock.set(deadline);
      for (const [role, user] of Object.entries(people)) {
        await expectHeldInSetup(user.id, `${role} at the deadline`);
        expect(await loadSecondFactorState(deps, user.id, deps.clock.now())).toMatchObject({ inGracePeriod: false, required: true });
      }
      deps.clock.advance(DAY);
      for (const [role, user] of Object.entries(people)) await expectHeldInSetup(user.id, `${role} a day after the deadline`);
    },
  );

  it("members who already set up 2FA are challenged during the grace period too", async () => {
    const { org, owner, people } = await organization();
    const { phone } = await enrollUser(deps, people.member);
    await requireIt(org.id, owner.id, 14);
    expect(await loadSecondFactorState(deps, people.member.id, deps.clock.now())).toMatchObject({ inGracePeriod: false, required: true });
    const texted = deps.sms.messagesTo(phone).length;
    expect(await afterPassword(people.member.id)).toMatchObject({ next: "second_factor", pending: { stage: "challenge" }, sent: { ok: true } });
    expect(deps.sms.messagesTo(phone).length).toBe(texted + 1);
    // the others still skip
    await expectSession(people.admin.id, "admin without 2FA");
  });

  it("a member who sets up during the grace period is challenged from then on", async () => {
    const { org, owner, people } = await organization();
    await requireIt(org.id, owner.id, 7);
    await expectSession(people.member.id, "before setting up");
    deps.clock.advance(DAY);
    await enrollUser(deps, people.member);
    deps.clock.advance(60_000);
    expect(await afterPassword(people.member.id)).toMatchObject({ next: "second_factor", pending: { stage: "challenge" } });
  });

  it("'at their next sign-in' (no grace days) holds everyone who has not set up at once", async () => {
    const { org, owner, people } = await organization();
    for (const graceDays of [undefined, null, 0]) {
      await requireIt(org.id, owner.id, null, false);
      expect(await requireIt(org.id, owner.id, graceDays)).toMatchObject({ ok: true, changed: true });
      expect((await getOrganization(handle.db, org.id))?.twoFactorGraceUntil).toBeNull();
      for (const [role, user] of Object.entries(people)) await expectHeldInSetup(user.id, `${role}, graceDays ${graceDays}`);
    }
  });

  it("lifting the requirement ends the grace period: members sign in with the password, also after the old deadline", async () => {
    const { org, owner, people } = await organization();
    await requireIt(org.id, owner.id, 3);
    expect(await requireIt(org.id, owner.id, null, false)).toMatchObject({ ok: true, changed: true });
    const org2 = await getOrganization(handle.db, org.id);
    expect(org2).toMatchObject({ requireTwoFactor: false, twoFactorGraceUntil: null });
    deps.clock.advance(4 * DAY);
    for (const [role, user] of Object.entries(people)) {
      expect(await loadSecondFactorState(deps, user.id, deps.clock.now())).toMatchObject({ requiredByOrganization: false, inGracePeriod: false, graceUntil: null });
      await expectSession(user.id, role);
    }
    // requiring it again "at next sign-in" does not bring the old deadline back
    await requireIt(org.id, owner.id);
    for (const [role, user] of Object.entries(people)) await expectHeldInSetup(user.id, role);
  });

  it("switching an existing grace period to 'at their next sign-in' holds members at once", async () => {
    const { org, owner, people } = await organization();
    await requireIt(org.id, owner.id, 30);
    await expectSession(people.member.id, "during the 30 days");
    const result = await requireIt(org.id, owner.id, null);
    expect((await getOrganization(handle.db, org.id))?.twoFactorGraceUntil, "grace deadline after choosing 'at their next sign-in'").toBeNull();
    expect(result).toMatchObject({ ok: true, changed: true });
    await expectHeldInSetup(people.member.id, "member after the switch");
  });

  it("each change of the requirement or its deadline is an audit event naming the deadline; saving the same 'at next sign-in' again is not", async () => {
    const { org, owner } = await organization();
    const eventsOf = async () =>
      (await handle.db.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).filter((e) => e.type === "organization.require_two_factor_changed");
    const at = deps.clock.now();
    await requireIt(org.id, owner.id, 5);
    expect(await eventsOf()).toMatchObject([
      { actorUserId: owner.id, details: { required: true, graceUntil: new Date(at.getTime() + 5 * DAY).toISOString() } },
    ]);
    const [row] = await handle.db.select().from(organizations).where(eq(organizations.id, org.id));
    expect(row).toMatchObject({ requireTwoFactor: true, requireTwoFactorChangedBy: owner.id, requireTwoFactorChangedAt: at });
    await requireIt(org.id, owner.id, null, false);
    await requireIt(org.id, owner.id);
    expect(await requireIt(org.id, owner.id)).toEqual({ ok: true, changed: false });
    expect((await eventsOf()).map((e) => e.details)).toEqual([
      { required: true, graceUntil: new Date(at.getTime() + 5 * DAY).toISOString() },
      { required: false, graceUntil: null },
      { required: true, graceUntil: null },
    ]);
  });
});
