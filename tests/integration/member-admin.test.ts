import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, memberships, organizations, users, type Role } from "@/lib/db/schema";
import { mayActOn, resetMemberTwoFactor, revokeMemberTrustedDevices, type Actor } from "@/lib/two-factor/member-admin";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { recognizeTrustedDevice, trustDevice } from "@/lib/two-factor/trusted-devices";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { auditEventsAbout, twoFactorSnapshot } from "../helpers/member-state";
import { enrollUser, makeDeps, pendingFor, startChallenge, type TestDeps } from "../helpers/two-factor";

const DAY = 24 * 60 * 60_000;

describe("mayActOn", () => {
  it.each<[Role, Role, boolean]>([
    ["owner", "owner", true],
    ["owner", "admin", true],
    ["owner", "member", true],
    ["admin", "member", true],
    ["admin", "admin", false],
    ["admin", "owner", false],
    ["member", "member", false],
    ["member", "admin", false],
    ["member", "owner", false],
  ])("%s acting on %s: %s", (actor, target, allowed) => {
    expect(mayActOn(actor, target)).toBe(allowed);
  });
});

describe.each(databaseTargets())("admin reset and revoke on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const actorOf = (user: { id: string }, organizationId: string): Actor => ({ userId: user.id, organizationId });
  const afterPassword = (userId: string, deviceToken?: string) =>
    continueAfterPassword(deps, { userId, returnTo: "/", deviceToken, request: testRequest() });

  /** An organization that requires 2FA: owner, two admins and two members, everyone enrolled; the members trust a device. */
  async function organization() {
    const org = await createOrganization(handle.db);
    await handle.db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, org.id));
    const person = async (role: Role) => {
      const user = await createUser(handle.db, { organizationId: org.id, role });
      const enrolled = await enrollUser(deps, user, undefined, { selfEnabled: role === "member" });
      const device = await trustDevice(handle.db, { userId: user.id, userAgent: "vitest", now: deps.clock.now() }, deps.options);
      return { ...user, ...enrolled, role, deviceToken: device.token, actor: actorOf(user, org.id) };
    };
    const people = {
      org,
      owner: await person("owner"),
      admin: await person("admin"),
      otherAdmin: await person("admin"),
      member: await person("member"),
      otherMember: await person("member"),
    };
    deps.clock.advance(60 * 60_000); // the hourly SMS allowance of every account starts afresh
    return people;
  }

  const reset = (actor: Actor, targetUserId: string) =>
    resetMemberTwoFactor(deps, { actor, targetUserId, request: testRequest("198.51.100.9"), now: deps.clock.now() });
  const revoke = (actor: Actor, targetUserId: string) =>
    revokeMemberTrustedDevices(deps, { actor, targetUserId, request: testRequest("198.51.100.9"), now: deps.clock.now() });

  it("an admin's reset removes the member's phone, backup codes, live codes, trusted devices, self-enabled flag and lock, and ends their sessions", async () => {
    const { org, admin, member, otherMember } = await organization();
    // a live sign-in code, and a lock from failed tries
    const { pending, code } = await startChallenge(deps, member, member.phone);
    const lockedUntil = new Date(deps.clock.now().getTime() + 10 * 60_000);
    await handle.db.update(users).set({ secondFactorFailures: 3, secondFactorLockedUntil: lockedUntil }).where(eq(users.id, member.id));
    expect(await twoFactorSnapshot(handle.db, member.id, deps.clock.now())).toMatchObject({
      phoneE164: member.phone,
      twoFactorSelfEnabled: true,
      unusedBackupCodes: 10,
      liveTrustedDevices: 1,
      liveCodes: 1,
    });
    const otherBefore = await twoFactorSnapshot(handle.db, otherMember.id, deps.clock.now());

    deps.clock.advance(60_000);
    const resetAt = deps.clock.now();
    expect(await reset(admin.actor, member.id)).toEqual({ ok: true, email: member.email });

    expect(await twoFactorSnapshot(handle.db, member.id, resetAt)).toEqual({
      phoneE164: null,
      phoneVerifiedAt: null,
      twoFactorEnabledAt: null,
      twoFactorSelfEnabled: false,
      secondFactorFailures: 0,
      secondFactorLockedUntil: null,
      sessionsValidAfter: resetAt,
      unusedBackupCodes: 0,
      liveTrustedDevices: 0,
      liveCodes: 0,
    });
    // what the member held before no longer works: the sign-in they had begun ended with the reset
    expect(await completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: false, code: "SIGN_IN_ENDED" });
    expect(
      await completeWithBackupCode(deps, { pending: pendingFor(member.id, { now: resetAt }), code: member.backupCodes[1]!, trustThisDevice: false, request: testRequest() }),
    ).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
    expect(await recognizeTrustedDevice(handle.db, member.id, member.deviceToken, resetAt)).toBe(false);
    // a session signed in just before the reset is older than sessions_valid_after, so the server refuses it
    expect(resetAt.getTime() - 1).toBeLessThan((await twoFactorSnapshot(handle.db, member.id, resetAt)).sessionsValidAfter.getTime());

    // nobody else is touched
    expect(await twoFactorSnapshot(handle.db, otherMember.id, deps.clock.now())).toEqual(otherBefore);

    const events = (await auditEventsAbout(handle.db, member.id)).filter((e) => e.type === "two_factor.reset_by_admin");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ organizationId: org.id, actorUserId: admin.id, subjectUserId: member.id, ip: "198.51.100.9", createdAt: resetAt });
  });

  it("after a reset, the member of an organization that requires 2FA is sent to setup at the next sign-in, then sets it up again", async () => {
    const { admin, member } = await organization();
    expect(await reset(admin.actor, member.id)).toMatchObject({ ok: true });
    const texted = deps.sms.attempts.length;
    const next = await afterPassword(member.id, member.deviceToken);
    expect(next).toMatchObject({ next: "second_factor", sent: null, pending: { userId: member.id, stage: "setup" } });
    // nothing is texted to the old phone
    expect(deps.sms.attempts.length).toBe(texted);

    const again = await enrollUser(deps, member);
    expect(again.phone).not.toBe(member.phone);
    expect(await afterPassword(member.id)).toMatchObject({ next: "second_factor", pending: { stage: "challenge" }, sent: { ok: true } });
  });

  it("after a reset in an organization that does not require 2FA, the member signs in with the password alone", async () => {
    const { org, admin, member } = await organization();
    await handle.db.update(organizations).set({ requireTwoFactor: false }).where(eq(organizations.id, org.id));
    // the member had turned 2FA on for themselves: the reset turns that off too
    expect(await afterPassword(member.id)).toMatchObject({ next: "second_factor" });
    expect(await reset(admin.actor, member.id)).toMatchObject({ ok: true });
    expect(await afterPassword(member.id)).toMatchObject({ next: "session" });
  });

  it("an admin may not reset or revoke another admin or the owner: FORBIDDEN, and nothing changes for them", async () => {
    const { admin, otherAdmin, owner } = await organization();
    for (const target of [otherAdmin, owner]) {
      const before = await twoFactorSnapshot(handle.db, target.id, deps.clock.now());
      expect(await reset(admin.actor, target.id)).toEqual({ ok: false, code: "FORBIDDEN" });
      expect(await revoke(admin.actor, target.id)).toEqual({ ok: false, code: "FORBIDDEN" });
      expect(await twoFactorSnapshot(handle.db, target.id, deps.clock.now())).toEqual(before);
      expect(await recognizeTrustedDevice(handle.db, target.id, target.deviceToken, deps.clock.now())).toBe(true);
      expect((await auditEventsAbout(handle.db, target.id)).filter((e) => e.actorUserId === admin.id)).toEqual([]);
    }
  });

  it("the owner may reset an admin and revoke an admin's devices", async () => {
    const { owner, admin, otherAdmin } = await organization();
    expect(await revoke(owner.actor, otherAdmin.id)).toEqual({ ok: true, email: otherAdmin.email, revoked: 1 });
    expect(await recognizeTrustedDevice(handle.db, otherAdmin.id, otherAdmin.deviceToken, deps.clock.now())).toBe(false);
    expect(await reset(owner.actor, admin.id)).toEqual({ ok: true, email: admin.email });
    expect(await twoFactorSnapshot(handle.db, admin.id, deps.clock.now())).toMatchObject({ phoneE164: null, unusedBackupCodes: 0 });
    expect(await reset(owner.actor, otherAdmin.id)).toMatchObject({ ok: true });
  });

  it("a member may not reset or revoke anyone: FORBIDDEN", async () => {
    const { member, otherMember, admin, owner } = await organization();
    for (const target of [otherMember, admin, owner]) {
      const before = await twoFactorSnapshot(handle.db, target.id, deps.clock.now());
      expect(await reset(member.actor, target.id)).toEqual({ ok: false, code: "FORBIDDEN" });
      expect(await revoke(member.actor, target.id)).toEqual({ ok: false, code: "FORBIDDEN" });
      expect(await twoFactorSnapshot(handle.db, target.id, deps.clock.now())).toEqual(before);
    }
  });

  it("the actor's role is the host's answer at the step, not the caller's: an admin demoted since their page loaded is FORBIDDEN", async () => {
    const { org, admin, member } = await organization();
    await handle.db.update(memberships).set({ role: "member" }).where(and(eq(memberships.userId, admin.id), eq(memberships.organizationId, org.id)));
    const before = await twoFactorSnapshot(handle.db, member.id, deps.clock.now());
    expect(await reset(admin.actor, member.id)).toEqual({ ok: false, code: "FORBIDDEN" });
    expect(await revoke(admin.actor, member.id)).toEqual({ ok: false, code: "FORBIDDEN" });
    expect(await twoFactorSnapshot(handle.db, member.id, deps.clock.now())).toEqual(before);
  });

  it("nobody resets or revokes themselves here: NOT_FOUND", async () => {
    const { owner, admin } = await organization();
    for (const actor of [owner, admin]) {
      const before = await twoFactorSnapshot(handle.db, actor.id, deps.clock.now());
      expect(await reset(actor.actor, actor.id)).toEqual({ ok: false, code: "NOT_FOUND" });
      expect(await revoke(actor.actor, actor.id)).toEqual({ ok: false, code: "NOT_FOUND" });
      expect(await twoFactorSnapshot(handle.db, actor.id, deps.clock.now())).toEqual(before);
    }
  });

  it("another organization's member, and a user in no organization, are NOT_FOUND for the owner and admins, and nothing changes for them", async () => {
    const mine = await organization();
    const theirs = await organization();
    const loner = await createUser(handle.db);
    await enrollUser(deps, loner);
    for (const target of [theirs.member, theirs.admin, theirs.owner, loner]) {
      const before = await twoFactorSnapshot(handle.db, target.id, deps.clock.now());
      const eventsBefore = await auditEventsAbout(handle.db, target.id);
      for (const actor of [mine.owner.actor, mine.admin.actor]) {
        expect(await reset(actor, target.id)).toEqual({ ok: false, code: "NOT_FOUND" });
        expect(await revoke(actor, target.id)).toEqual({ ok: false, code: "NOT_FOUND" });
      }
      expect(await twoFactorSnapshot(handle.db, target.id, deps.clock.now())).toEqual(before);
      expect(await auditEventsAbout(handle.db, target.id)).toEqual(eventsBefore);
    }
    expect(await recognizeTrustedDevice(handle.db, theirs.member.id, theirs.member.deviceToken, deps.clock.now())).toBe(true);
    // an unknown user id is not found either
    expect(await reset(mine.owner.actor, crypto.randomUUID())).toEqual({ ok: false, code: "NOT_FOUND" });
    // the answer for "not in your organization" is the same as for "no such user"
    expect(await reset(mine.admin.actor, theirs.member.id)).toEqual(await reset(mine.admin.actor, crypto.randomUUID()));
  });

  it("revoking a member's devices ends every live trusted device, keeps their phone and codes, and is an audit event", async () => {
    const { org, admin, member } = await organization();
    const second = await trustDevice(handle.db, { userId: member.id, userAgent: "second browser", now: deps.clock.now() }, deps.options);
    expect(await afterPassword(member.id, second.token)).toMatchObject({ next: "session" });
    const before = await twoFactorSnapshot(handle.db, member.id, deps.clock.now());
    expect(before.liveTrustedDevices).toBe(2);

    deps.clock.advance(1_000);
    const at = deps.clock.now();
    expect(await revoke(admin.actor, member.id)).toEqual({ ok: true, email: member.email, revoked: 2 });
    for (const token of [member.deviceToken, second.token]) {
      expect(await recognizeTrustedDevice(handle.db, member.id, token, at)).toBe(false);
      expect(await afterPassword(member.id, token)).toMatchObject({ next: "second_factor", pending: { stage: "challenge" }, sent: { ok: true } });
      deps.clock.advance(60_000);
    }
    expect(await twoFactorSnapshot(handle.db, member.id, at)).toEqual({ ...before, liveTrustedDevices: 0, liveCodes: 1 });

    const [event] = await handle.db.select().from(auditEvents).where(eq(auditEvents.type, "two_factor.trusted_devices_revoked")).then((rows) => rows.filter((e) => e.subjectUserId === member.id));
    expect(event).toMatchObject({ organizationId: org.id, actorUserId: admin.id, subjectUserId: member.id, details: { revoked: 2 }, createdAt: at });
    // revoking again ends nothing more
    expect(await revoke(admin.actor, member.id)).toEqual({ ok: true, email: member.email, revoked: 0 });
  });

  it("the revoke's count (in the audit event) is of live devices: a device that had already expired is not counted", async () => {
    const { admin, member } = await organization();
    await trustDevice(handle.db, { userId: member.id, userAgent: "old browser", now: new Date(deps.clock.now().getTime() - 40 * DAY) }, deps.options);
    expect((await twoFactorSnapshot(handle.db, member.id, deps.clock.now())).liveTrustedDevices).toBe(1);
    expect(await revoke(admin.actor, member.id)).toEqual({ ok: true, email: member.email, revoked: 1 });
  });
});
