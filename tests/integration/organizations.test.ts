import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { getOrganization, setOrganizationRequiresTwoFactor } from "@/lib/organizations";
import { loadViewer } from "@/lib/users";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testClock, testRequest } from "../helpers/fixtures";

describe.each(databaseTargets())("organizations on $name", (target) => {
  let handle: DatabaseHandle;
  const clock = testClock();
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("records who required two-factor authentication and when, with an audit event", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const result = await setOrganizationRequiresTwoFactor(handle.db, {
      organizationId: org.id,
      actorUserId: owner.id,
      required: true,
      request: testRequest(),
      now: clock.now(),
    });
    expect(result).toMatchObject({ ok: true, changed: true });
    const saved = await getOrganization(handle.db, org.id);
    expect(saved).toMatchObject({ requireTwoFactor: true, requireTwoFactorChangedBy: owner.id, requireTwoFactorChangedAt: clock.now() });
    const events = await handle.db.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "organization.require_two_factor_changed",
      actorUserId: owner.id,
      ip: "203.0.113.7",
      userAgent: "vitest",
      details: { required: true },
    });
  });

  it("saving the same value again changes nothing and records nothing", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const input = { organizationId: org.id, actorUserId: owner.id, required: false, request: null, now: clock.now() };
    expect(await setOrganizationRequiresTwoFactor(handle.db, input)).toEqual({ ok: true, changed: false });
    expect(await handle.db.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id))).toHaveLength(0);
  });

  it("loads the signed-in user with their organization and role", async () => {
    const org = await createOrganization(handle.db, "Globex");
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin", name: "Ada" });
    const viewer = await loadViewer(handle.db, admin.id);
    expect(viewer).toMatchObject({
      user: { id: admin.id, email: admin.email, name: "Ada" },
      organization: { id: org.id, name: "Globex", requireTwoFactor: false },
      role: "admin",
    });
    expect(await loadViewer(handle.db, "no-such-user")).toBeNull();
  });
});
