import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPassword } from "@/lib/auth/password-sign-in";
import type { DatabaseHandle } from "@/lib/db/client";
import { memberships, organizations, users } from "@/lib/db/schema";
import { isDatabaseEmpty, seedDemoData } from "@/lib/db/seed";
import { databaseTargets } from "../helpers/databases";
import { testClock, testRequest } from "../helpers/fixtures";

describe.each(databaseTargets())("demo data on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("creates Acme with its owner, admin and member, and is safe to run twice", async () => {
    expect(await isDatabaseEmpty(handle.db)).toBe(true);
    const first = await seedDemoData(handle.db, "seed password one");
    const second = await seedDemoData(handle.db, "seed password two");
    expect(first.created).toEqual(["organization Acme", "owner@example.com", "admin@example.com", "member@example.com"]);
    expect(second.created).toEqual([]);
    expect(await handle.db.select().from(organizations)).toHaveLength(1);
    expect(await handle.db.select().from(users)).toHaveLength(3);
    const roles = (await handle.db.select({ role: memberships.role }).from(memberships)).map((m) => m.role).sort();
    expect(roles).toEqual(["admin", "member", "owner"]);
    const signIn = await checkPassword(
      { db: handle.db, clock: testClock() },
      { email: "owner@example.com", password: "seed password one", request: testRequest() },
    );
    expect(signIn.ok).toBe(true);
  });
});
