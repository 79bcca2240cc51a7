import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIVITY_PAGE_SIZE, isAuditEventType, listActivity, MAX_ACTIVITY_PAGE } from "@/lib/activity";
import { recordAuditEvent, type AuditEventType } from "@/lib/audit";
import type { DatabaseHandle } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { resetMemberTwoFactor } from "@/lib/two-factor/member-admin";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { enrollUser, makeDeps, type TestDeps } from "../helpers/two-factor";

const MINUTE = 60_000;

describe("isAuditEventType", () => {
  it("accepts the known event types only (the filter's value comes from the URL)", () => {
    expect(isAuditEventType("two_factor.reset_by_admin")).toBe(true);
    expect(isAuditEventType("sign_in.failed")).toBe(true);
    for (const value of ["", "two_factor", "two_factor.reset_by_admin ", "' or 1=1 --", undefined, null, 5, ["sign_in.failed"]]) {
      expect(isAuditEventType(value)).toBe(false);
    }
  });
});

describe.each(databaseTargets())("activity log on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  /** An organization with an owner and two members, and a clock reading for each event. */
  async function organization() {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const alice = await createUser(handle.db, { organizationId: org.id });
    const bob = await createUser(handle.db, { organizationId: org.id });
    let at = Date.parse("2026-01-01T00:00:00Z");
    const event = async (type: AuditEventType, subject: { id: string } | null, actor: { id: string } | null = subject, orgId: string | null = org.id) => {
      at += MINUTE;
      await recordAuditEvent(handle.db, {
        type,
        organizationId: orgId,
        actorUserId: actor?.id ?? null,
        subjectUserId: subject?.id ?? null,
        request: testRequest(),
        at: new Date(at),
      });
      return new Date(at);
    };
    return { org, owner, alice, bob, event };
  }

  it("lists the organization's events newest first, with who did it and to whom", async () => {
    const { org, owner, alice, bob, event } = await organization();
    const t1 = await event("sign_in.succeeded", alice);
    const t2 = await event("two_factor.reset_by_admin", bob, owner);
    const t3 = await event("organization.require_two_factor_changed", null, owner);
    const { rows, page, hasMore } = await listActivity(handle.db, { organizationId: org.id });
    expect({ page, hasMore }).toEqual({ page: 1, hasMore: false });
    expect(rows.map(({ type, createdAt, actorEmail, subjectEmail, ip }) => ({ type, createdAt, actorEmail, subjectEmail, ip }))).toEqual([
      { type: "organization.require_two_factor_changed", createdAt: t3, actorEmail: owner.email, subjectEmail: null, ip: "203.0.113.7" },
      { type: "two_factor.reset_by_admin", createdAt: t2, actorEmail: owner.email, subjectEmail: bob.email, ip: "203.0.113.7" },
      { type: "sign_in.succeeded", createdAt: t1, actorEmail: alice.email, subjectEmail: alice.email, ip: "203.0.113.7" },
    ]);
  });

  it("an admin action done through the core appears in the log", async () => {
    const { org, owner, alice } = await organization();
    await enrollUser(deps, alice);
    const done = await resetMemberTwoFactor(deps, {
      actor: { userId: owner.id, organizationId: org.id },
      targetUserId: alice.id,
      request: testRequest(),
      now: deps.clock.now(),
    });
    expect(done.ok).toBe(true);
    const { rows } = await listActivity(handle.db, { organizationId: org.id, type: "two_factor.reset_by_admin" });
    expect(rows).toMatchObject([{ actorEmail: owner.email, subjectEmail: alice.email }]);
  });

  it("filters by member email (the member the event is about), whatever the case or spaces typed", async () => {
    const { org, owner, alice, bob, event } = await organization();
    await event("sign_in.succeeded", alice);
    await event("sign_in.failed", bob);
    await event("two_factor.reset_by_admin", alice, owner);
    await event("two_factor.code_sent", bob);
    const aliceTypes = ["two_factor.reset_by_admin", "sign_in.succeeded"];
    for (const typed of [alice.email, alice.email.toUpperCase(), `  ${alice.email} `]) {
      const { rows } = await listActivity(handle.db, { organizationId: org.id, memberEmail: typed });
      expect(rows.map((r) => r.type)).toEqual(aliceTypes);
      expect(rows.every((r) => r.subjectEmail === alice.email)).toBe(true);
    }
    expect(await listActivity(handle.db, { organizationId: org.id, memberEmail: "nobody@example.test" })).toEqual({ rows: [], page: 1, hasMore: false });
    // the start of an email is not a filter: it must be the member's whole email
    expect((await listActivity(handle.db, { organizationId: org.id, memberEmail: alice.email.slice(0, 6) })).rows).toEqual([]);
  });

  it("filters by event type, and by type and member together", async () => {
    const { org, owner, alice, bob, event } = await organization();
    await event("sign_in.failed", alice);
    await event("sign_in.failed", bob);
    await event("sign_in.succeeded", alice);
    await event("sign_in.failed", alice);
    await event("two_factor.trusted_devices_revoked", alice, owner);
    const failed = await listActivity(handle.db, { organizationId: org.id, type: "sign_in.failed" });
    expect(failed.rows.map((r) => r.subjectEmail)).toEqual([alice.email, bob.email, alice.email]);
    const both = await listActivity(handle.db, { organizationId: org.id, type: "sign_in.failed", memberEmail: bob.email });
    expect(both.rows.map((r) => [r.type, r.subjectEmail])).toEqual([["sign_in.failed", bob.email]]);
    expect((await listActivity(handle.db, { organizationId: org.id, type: "two_factor.disabled" })).rows).toEqual([]);
  });

  it("shows only the organization's own events: another organization's never appear, whatever the filter", async () => {
    const mine = await organization();
    const theirs = await organization();
    const loner = await createUser(handle.db);
    await mine.event("sign_in.succeeded", mine.alice);
    await theirs.event("sign_in.succeeded", theirs.alice);
    await theirs.event("two_factor.reset_by_admin", theirs.bob, theirs.owner);
    // an event about my member recorded under their organization, and one with no organization
    await theirs.event("sign_in.failed", mine.alice, mine.alice, theirs.org.id);
    await mine.event("sign_in.failed", loner, loner, null);

    const all = await listActivity(handle.db, { organizationId: mine.org.id });
    expect(all.rows.map((r) => [r.type, r.subjectEmail])).toEqual([["sign_in.succeeded", mine.alice.email]]);
    for (const memberEmail of [theirs.alice.email, theirs.bob.email, theirs.owner.email, loner.email]) {
      expect((await listActivity(handle.db, { organizationId: mine.org.id, memberEmail })).rows).toEqual([]);
    }
    expect((await listActivity(handle.db, { organizationId: mine.org.id, type: "two_factor.reset_by_admin" })).rows).toEqual([]);
    expect((await listActivity(handle.db, { organizationId: mine.org.id, type: "sign_in.failed", memberEmail: mine.alice.email })).rows).toEqual([]);
  });

  it(`pages ${ACTIVITY_PAGE_SIZE} at a time, newest first, and says whether older events follow`, async () => {
    const { org, alice, event } = await organization();
    const total = ACTIVITY_PAGE_SIZE * 2 + 7;
    const times: Date[] = [];
    for (let i = 0; i < total; i++) times.push(await event(i % 2 ? "sign_in.succeeded" : "sign_in.failed", alice));
    const newestFirst = [...times].reverse();

    const seen: Date[] = [];
    for (const [page, size, hasMore] of [
      [1, ACTIVITY_PAGE_SIZE, true],
      [2, ACTIVITY_PAGE_SIZE, true],
      [3, 7, false],
    ] as const) {
      const result = await listActivity(handle.db, { organizationId: org.id, page });
      expect(result.page).toBe(page);
      expect(result.rows).toHaveLength(size);
      expect(result.hasMore, `page ${page}`).toBe(hasMore);
      seen.push(...result.rows.map((r) => r.createdAt));
    }
    expect(seen).toEqual(newestFirst);
    expect(await listActivity(handle.db, { organizationId: org.id, page: 4 })).toEqual({ rows: [], page: 4, hasMore: false });
    for (const page of [0, -3, 0.5]) {
      const result = await listActivity(handle.db, { organizationId: org.id, page });
      expect(result.page).toBe(1);
      expect(result.rows.map((r) => r.createdAt)).toEqual(newestFirst.slice(0, ACTIVITY_PAGE_SIZE));
    }
    // exactly a page full: no "older" link
    const filtered = await listActivity(handle.db, { organizationId: org.id, type: "sign_in.failed", page: 2 });
    expect(filtered.rows).toHaveLength(Math.ceil(total / 2) - ACTIVITY_PAGE_SIZE);
  });

  it("any page number, however large or not a number, is an offset PostgreSQL takes: past the end is empty, never an error", async () => {
    const { org, alice, event } = await organization();
    await event("sign_in.succeeded", alice);
    for (const page of [1e300, Number.MAX_SAFE_INTEGER, 2 ** 63, Infinity, MAX_ACTIVITY_PAGE + 1]) {
      expect(await listActivity(handle.db, { organizationId: org.id, page }), `page ${page}`).toEqual({ rows: [], page: MAX_ACTIVITY_PAGE, hasMore: false });
    }
    for (const page of [NaN, -Infinity]) {
      expect((await listActivity(handle.db, { organizationId: org.id, page })).rows, `page ${page}`).toHaveLength(1);
    }
  });

  it("events at the same instant are paged without repeats or gaps", async () => {
    const org = await createOrganization(handle.db);
    const member = await createUser(handle.db, { organizationId: org.id });
    const at = new Date("2026-02-01T00:00:00Z");
    for (let i = 0; i < ACTIVITY_PAGE_SIZE + 10; i++) {
      await recordAuditEvent(handle.db, { type: "two_factor.code_sent", organizationId: org.id, actorUserId: member.id, subjectUserId: member.id, at });
    }
    const first = await listActivity(handle.db, { organizationId: org.id, page: 1 });
    const second = await listActivity(handle.db, { organizationId: org.id, page: 2 });
    const ids = [...first.rows, ...second.rows].map((r) => r.id);
    expect(ids).toHaveLength(ACTIVITY_PAGE_SIZE + 10);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.hasMore).toBe(true);
    expect(second.hasMore).toBe(false);
  });

  it("an event whose actor or member was deleted still shows, without their email", async () => {
    const { org, alice, event } = await organization();
    const gone = await createUser(handle.db, { organizationId: org.id });
    await event("two_factor.trusted_devices_revoked", alice, gone);
    await handle.db.delete(users).where(eq(users.id, gone.id));
    const { rows } = await listActivity(handle.db, { organizationId: org.id });
    expect(rows).toMatchObject([{ type: "two_factor.trusted_devices_revoked", actorEmail: null, subjectEmail: alice.email }]);
  });
});
