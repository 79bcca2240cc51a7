import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { setOrganizationAllowedMethods } from "@/lib/allowed-methods";
import { getOrganization } from "@/lib/organizations";
import { loadViewer, secureMethodNoticeUntil } from "@/lib/users";
import { makeDeps, setUpAuthenticatorApp } from "../helpers/two-factor";
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

  it("during the grace a member without an app or passkey is told until when SMS works; once they add an app, or the grace ends, nothing is said", async () => {
    const org = await createOrganization(handle.db);
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
    const member = await createUser(handle.db, { organizationId: org.id });
    const now = new Date();
    expect(secureMethodNoticeUntil((await loadViewer(handle.db, member.id))!, now)).toBeNull();
    await setOrganizationAllowedMethods(handle.db, { organizationId: org.id, actorUserId: admin.id, allowed: "secure", graceDays: 3, recentSecondFactor: true, request: null, now });
    const until = new Date(now.getTime() + 3 * 86_400_000);
    expect(secureMethodNoticeUntil((await loadViewer(handle.db, member.id))!, now)).toEqual(until);
    expect(secureMethodNoticeUntil((await loadViewer(handle.db, member.id))!, new Date(until.getTime() + 1))).toBeNull();
    await setUpAuthenticatorApp(makeDeps(handle.db), member);
    expect(secureMethodNoticeUntil((await loadViewer(handle.db, member.id))!, now)).toBeNull();
  });

  it("an organization that does not exist is NOT_FOUND", async () => {
    const admin = await createUser(handle.db);
    const missing = await setOrganizationAllowedMethods(handle.db, { organizationId: crypto.randomUUID(), actorUserId: admin.id, allowed: "secure", recentSecondFactor: true, request: null, now: clock.now() });
    expect(missing).toEqual({ ok: false, code: "NOT_FOUND" });
  });
});
