import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPassword } from "@/lib/auth/password-sign-in";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testClock, testRequest } from "../helpers/fixtures";

describe.each(databaseTargets())("password sign-in on $name", (target) => {
  let handle: DatabaseHandle;
  const clock = testClock();
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("accepts the right password, whatever the email's case", async () => {
    const org = await createOrganization(handle.db);
    const user = await createUser(handle.db, { organizationId: org.id, email: "Case@Example.test" });
    const result = await checkPassword({ db: handle.db, clock }, { email: " CASE@example.TEST ", password: user.password, request: testRequest() });
    expect(result).toEqual({ ok: true, userId: user.id, email: "case@example.test" });
  });

  it("gives one generic answer for a wrong password and for an unknown email", async () => {
    const user = await createUser(handle.db);
    const wrong = await checkPassword({ db: handle.db, clock }, { email: user.email, password: "wrong password", request: testRequest() });
    const unknown = await checkPassword({ db: handle.db, clock }, { email: "nobody@example.test", password: "x", request: testRequest() });
    expect(wrong).toEqual({ ok: false, code: "INVALID_CREDENTIALS" });
    expect(unknown).toEqual(wrong);
    const events = await handle.db.select().from(auditEvents).where(eq(auditEvents.subjectUserId, user.id));
    expect(events.map((e) => e.type)).toEqual(["sign_in.failed"]);
  });

  it("locks an account after 10 failures within 15 minutes, even for the right password, then lets it in again", async () => {
    const user = await createUser(handle.db);
    const clockHere = testClock(new Date("2026-11-28T12:00:00Z"));
    const deps = { db: handle.db, clock: clockHere };
    for (let i = 0; i < 10; i++) {
      // a different IP each time: the account limit holds by itself
      const r = await checkPassword(deps, { email: user.email, password: "guess", request: testRequest(`198.51.100.${i}`) });
      expect(r.ok).toBe(false);
    }
    const locked = await checkPassword(deps, { email: user.email, password: user.password, request: testRequest("198.51.100.200") });
    expect(locked).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    clockHere.advance(15 * 60_000 + 1);
    const again = await checkPassword(deps, { email: user.email, password: user.password, request: testRequest("198.51.100.201") });
    expect(again.ok).toBe(true);
  });

  it("successful sign-ins do not use up the limit", async () => {
    const user = await createUser(handle.db);
    const deps = { db: handle.db, clock: testClock(new Date("2026-11-28T13:00:00Z")) };
    for (let i = 0; i < 15; i++) {
      expect((await checkPassword(deps, { email: user.email, password: user.password, request: testRequest("192.0.2.50") })).ok).toBe(true);
    }
  });

  it("limits one IPv6 /64 to 50 failures across many accounts and addresses", async () => {
    const deps = { db: handle.db, clock: testClock(new Date("2026-11-28T14:00:00Z")) };
    for (let i = 0; i < 50; i++) {
      const r = await checkPassword(deps, { email: `spray-${i}@example.test`, password: "x", request: testRequest(`2001:db8:1:2::${i.toString(16)}`) });
      expect(r).toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    const blocked = await checkPassword(deps, { email: "spray-x@example.test", password: "x", request: testRequest("2001:db8:1:2:ffff::1") });
    expect(blocked).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    const otherNetwork = await checkPassword(deps, { email: "spray-y@example.test", password: "x", request: testRequest("2001:db8:1:3::1") });
    expect(otherNetwork).toMatchObject({ code: "INVALID_CREDENTIALS" });
  });
});
