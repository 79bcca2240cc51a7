import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, organizations } from "@/lib/db/schema";
import { notifyRequirementChange } from "@/lib/notifications";
import { getOrganization, setOrganizationRequiresTwoFactor, type TwoFactorRequirement } from "@/lib/organizations";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender } from "../helpers/email";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";

const DAY = 86_400_000;
const NOW = new Date("2026-11-28T10:00:00Z").getTime();

/** Whether a member without 2FA is held to set it up at time `t` under this setting. */
const holds = (setting: TwoFactorRequirement, t: number) => setting.required && (setting.graceUntil === null || t >= setting.graceUntil.getTime());

/**
 * The test's own statement of "lowers protection": from now on there is a moment at which the old
 * setting holds members and the new one does not. Both only change at their grace period's end.
 */
function lowersAtSomeMoment(from: TwoFactorRequirement, to: TwoFactorRequirement, now: number): boolean {
  const moments = [now, from.graceUntil?.getTime(), to.graceUntil?.getTime()]
    .flatMap((t) => (t === undefined ? [] : [t - 1, t]))
    .filter((t) => t >= now);
  return moments.some((t) => holds(from, t) && !holds(to, t));
}

/** A stored setting: off, on at next sign-in, or on with a grace period that ended or has not. */
const storedSetting = fc.oneof(
  fc.constant<TwoFactorRequirement>({ required: false, graceUntil: null }),
  fc.constant<TwoFactorRequirement>({ required: true, graceUntil: null }),
  fc.integer({ min: -40 * DAY, max: 30 * DAY }).map((offset): TwoFactorRequirement => ({ required: true, graceUntil: new Date(NOW + offset) })),
);

/** What the Account Settings form can ask for. */
const requestedSetting = fc.record({ required: fc.boolean(), graceDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }) });

describe.each(databaseTargets())("the organization's requirement on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  async function organizationWithPeople() {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
    return { org, owner, admin };
  }

  const auditRowsOf = (organizationId: string) => handle.db.select().from(auditEvents).where(eq(auditEvents.organizationId, organizationId));

  it("anything that lowers protection is refused without a recent second factor and leaves the organization unchanged; raising is always allowed", async () => {
    const { org, owner, admin } = await organizationWithPeople();
    await fc.assert(
      fc.asyncProperty(storedSetting, requestedSetting, fc.integer({ min: 0, max: 10 * DAY }), fc.boolean(), async (from, asked, later, recent) => {
        await handle.db
          .update(organizations)
          .set({ requireTwoFactor: from.required, twoFactorGraceUntil: from.graceUntil, requireTwoFactorChangedBy: owner.id, requireTwoFactorChangedAt: new Date(NOW) })
          .where(eq(organizations.id, org.id));
        const before = await getOrganization(handle.db, org.id);
        const auditBefore = (await auditRowsOf(org.id)).length;
        const now = NOW + later;
        const to: TwoFactorRequirement = { required: asked.required, graceUntil: asked.required && asked.graceDays ? new Date(now + asked.graceDays * DAY) : null };

        const result = await setOrganizationRequiresTwoFactor(handle.db, {
          organizationId: org.id,
          actorUserId: admin.id,
          required: asked.required,
          graceDays: asked.graceDays,
          recentSecondFactor: recent,
          request: testRequest(),
          now: new Date(now),
        });

        const after = await getOrganization(handle.db, org.id);
        if (lowersAtSomeMoment(from, to, now) && !recent) {
          expect(result).toEqual({ ok: false, code: "RECENT_SECOND_FACTOR_REQUIRED" });
          expect(after).toEqual(before);
          expect(await auditRowsOf(org.id)).toHaveLength(auditBefore);
        } else {
          expect(result.ok).toBe(true);
          expect({ required: after!.requireTwoFactor, graceUntil: after!.twoFactorGraceUntil }).toEqual(to);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("every change is an audit event, and each owner is emailed who changed it from what to what, also when the owner made it", async () => {
    const { org, owner, admin } = await organizationWithPeople();
    const secondOwner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const outsider = await createUser(handle.db, { organizationId: (await createOrganization(handle.db)).id, role: "owner" });
    const mail = recordingEmailSender();
    const change = (actorUserId: string, required: boolean, graceDays: number | null) =>
      setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId, required, graceDays, recentSecondFactor: true, request: testRequest(), now: new Date(NOW) });

    const byOwner = await change(owner.id, true, null);
    if (!byOwner.ok || !byOwner.changed) throw new Error("the owner's change did not commit");
    expect(await notifyRequirementChange(mail, byOwner)).toEqual([true, true]);
    const byAdmin = await change(admin.id, true, 7);
    if (!byAdmin.ok || !byAdmin.changed) throw new Error("the admin's change did not commit");
    await notifyRequirementChange(mail, byAdmin);
    const lifted = await change(admin.id, false, null);
    if (!lifted.ok || !lifted.changed) throw new Error("the admin's lifting did not commit");
    await notifyRequirementChange(mail, lifted);

    // The three changes share the test clock's instant, so their rows have no order to compare by.
    const changes = (await auditRowsOf(org.id)).filter((e) => e.type === "organization.require_two_factor_changed");
    expect(changes).toHaveLength(3);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorUserId: owner.id, details: expect.objectContaining({ required: true, graceUntil: null }) }),
        expect.objectContaining({ actorUserId: admin.id, details: expect.objectContaining({ required: true, graceUntil: new Date(NOW + 7 * DAY).toISOString() }) }),
        expect.objectContaining({ actorUserId: admin.id, details: expect.objectContaining({ required: false, graceUntil: null }) }),
      ]),
    );
    for (const to of [owner.email, secondOwner.email]) {
      expect(mail.messagesTo(to).map((m) => m.text.split("\n")[0])).toEqual([
        `${owner.email} changed "Require two-factor authentication for all members" from not required to required at each member's next sign-in.`,
        `${admin.email} changed "Require two-factor authentication for all members" from required at each member's next sign-in to required, members may skip setting it up until 2026-12-05 10:00 UTC.`,
        `${admin.email} changed "Require two-factor authentication for all members" from required, members may skip setting it up until 2026-12-05 10:00 UTC to not required.`,
      ]);
      expect(mail.messagesTo(to)[0]!.subject).toBe("Your organization's two-step authentication requirement changed");
    }
    // Only the owners of this organization: not the admin, not another organization's owner.
    expect(mail.messagesTo(admin.email)).toEqual([]);
    expect(mail.messagesTo(outsider.email)).toEqual([]);
  });

  it("a failed email never undoes the change", async () => {
    const { org, owner, admin } = await organizationWithPeople();
    const mail = recordingEmailSender();
    mail.failAlways();
    const done = await setOrganizationRequiresTwoFactor(handle.db, {
      organizationId: org.id,
      actorUserId: admin.id,
      required: true,
      recentSecondFactor: false,
      request: testRequest(),
      now: new Date(NOW),
    });
    if (!done.ok || !done.changed) throw new Error("requiring 2FA did not commit");
    expect(await notifyRequirementChange(mail, done)).toEqual([false]);
    expect(mail.attempts.map((m) => m.to)).toEqual([owner.email]);
    expect(await getOrganization(handle.db, org.id)).toMatchObject({ requireTwoFactor: true, requireTwoFactorChangedBy: admin.id });
  });

  // Proves its point on PostgreSQL; PGlite runs one transaction at a time.
  it(
    "a lowering is judged against the setting it replaces: shortening a grace period while another admin ends it never leaves one running",
    async () => {
      const { org, owner, admin } = await organizationWithPeople();
      for (let round = 0; round < 20; round++) {
        await handle.db.update(organizations).set({ requireTwoFactor: true, twoFactorGraceUntil: new Date(NOW + 30 * DAY) }).where(eq(organizations.id, org.id));
        const common = { organizationId: org.id, required: true, recentSecondFactor: false, request: null, now: new Date(NOW) };
        await Promise.all([
          setOrganizationRequiresTwoFactor(handle.db, { ...common, actorUserId: owner.id, graceDays: null }),
          setOrganizationRequiresTwoFactor(handle.db, { ...common, actorUserId: admin.id, graceDays: 29 }),
        ]);
        expect((await getOrganization(handle.db, org.id))?.twoFactorGraceUntil, `round ${round}`).toBeNull();
      }
    },
  );
});
