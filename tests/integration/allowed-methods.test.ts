import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { setOrganizationAllowedMethods } from "@/lib/allowed-methods";
import { getOrganization } from "@/lib/organizations";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testClock, testRequest } from "../helpers/fixtures";

// "Allowed methods" in Account Settings: saved only with a recent second factor, audited from/to/grace.

describe.each(databaseTargets())("an organization's allowed methods on $name", (target) => {
  let handle: DatabaseHandle;
  const clock = testClock();
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  const eventsOf = (organizationId: string) => handle.db.select().from(auditEvents).where(eq(auditEvents.organizationId, organizationId));

  it("without a recent second factor the change is refused and nothing is written", async () => {
    const org = await createOrganization(handle.db);
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
    for (const allowed of ["secure", "any"] as const) {
      const refused = await setOrganizationAllowedMethods(handle.db, { organizationId: org.id, actorUserId: admin.id, allowed, recentSecondFactor: false, request: testRequest(), now: clock.now() });
      expect(refused).toEqual({ ok: false, code: "RECENT_SECOND_FACTOR_REQUIRED" });
    }
    expect(await getOrganization(handle.db, org.id)).toMatchObject({ twoFactorAllowedMethods: "any", secureMethodsGraceUntil: null });
    expect(await eventsOf(org.id)).toEqual([]);
  });

  it("secure methods only with a grace, then back to any: each change saved and audited with from, to and the grace; the same setting again is no change", async () => {
    const org = await createOrganization(handle.db);
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
    const base = { organizationId: org.id, actorUserId: admin.id, recentSecondFactor: true, request: testRequest(), now: clock.now() };
    const until = new Date(clock.now().getTime() + 7 * 86_400_000);
    expect(await setOrganizationAllowedMethods(handle.db, { ...base, allowed: "secure", graceDays: 7 })).toMatchObject({ ok: true, changed: true, to: { allowed: "secure", graceUntil: until } });
    expect(await getOrganization(handle.db, org.id)).toMatchObject({ twoFactorAllowedMethods: "secure", secureMethodsGraceUntil: until });
    expect(await setOrganizationAllowedMethods(handle.db, { ...base, allowed: "secure", graceDays: 7 })).toEqual({ ok: true, changed: false });
    expect(await setOrganizationAllowedMethods(handle.db, { ...base, allowed: "secure" })).toMatchObject({ ok: true, changed: true });
    expect(await setOrganizationAllowedMethods(handle.db, { ...base, allowed: "any", graceDays: 3 })).toMatchObject({ ok: true, changed: true, to: { allowed: "any", graceUntil: null } });
    expect(await getOrganization(handle.db, org.id)).toMatchObject({ twoFactorAllowedMethods: "any", secureMethodsGraceUntil: null });
    const events = await eventsOf(org.id);
    expect(events.map((e) => [e.type, e.actorUserId, e.details])).toEqual([
      ["organization.allowed_methods_changed", admin.id, { from: "any", to: "secure", graceUntil: until.toISOString() }],
      ["organization.allowed_methods_changed", admin.id, { from: "secure", to: "secure", graceUntil: null }],
      ["organization.allowed_methods_changed", admin.id, { from: "secure", to: "any", graceUntil: null }],
    ]);
  });

  it("an organization that does not exist is NOT_FOUND", async () => {
    const admin = await createUser(handle.db);
    const missing = await setOrganizationAllowedMethods(handle.db, { organizationId: crypto.randomUUID(), actorUserId: admin.id, allowed: "secure", recentSecondFactor: true, request: null, now: clock.now() });
    expect(missing).toEqual({ ok: false, code: "NOT_FOUND" });
  });
});
