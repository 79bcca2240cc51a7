import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { memberships, users } from "@/lib/db/schema";
import { enrollmentProgress, listMembers } from "@/lib/members";
import { authenticatorApps, passkeys } from "@/lib/two-factor/schema";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser } from "../helpers/fixtures";
import { makeDeps, setUpAuthenticatorApp, type TestDeps } from "../helpers/two-factor";

// Issue 18: "N of M members use a secure method" is a counter the database keeps (drizzle/0012),
// one row to read at any size, right after every change to apps, passkeys and memberships, and
// after changes racing each other on PostgreSQL.

describe.each(databaseTargets())("the secure-method counter on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const addPasskey = (userId: string) =>
    handle.db.insert(passkeys).values({ userId, credentialId: crypto.randomUUID(), publicKey: "pk", name: "Key", deviceType: "singleDevice", createdAt: new Date() });
  const secure = async (organizationId: string) => (await enrollmentProgress(handle.db, organizationId)).secure;
  const flag = async (userId: string) => (await handle.db.select({ f: users.hasSecureMethod }).from(users).where(eq(users.id, userId)))[0]?.f;

  it("counts a member once whatever secure methods they have, not an unconfirmed app, and follows removals and memberships", async () => {
    const org = await createOrganization(handle.db);
    const a = await createUser(handle.db, { organizationId: org.id });
    const b = await createUser(handle.db, { organizationId: org.id });
    await handle.db.insert(authenticatorApps).values({ userId: a.id, secretCiphertext: "x", createdAt: new Date() });
    expect(await secure(org.id)).toBe(0);
    await handle.db.delete(authenticatorApps).where(eq(authenticatorApps.userId, a.id));
    await setUpAuthenticatorApp(deps, a);
    expect(await secure(org.id)).toBe(1);
    await addPasskey(a.id);
    await addPasskey(a.id);
    expect(await secure(org.id)).toBe(1);
    await addPasskey(b.id);
    expect(await secure(org.id)).toBe(2);
    await handle.db.delete(authenticatorApps).where(eq(authenticatorApps.userId, a.id));
    expect(await secure(org.id)).toBe(2);
    await handle.db.delete(passkeys).where(eq(passkeys.userId, a.id));
    expect(await secure(org.id)).toBe(1);
    expect(await flag(a.id)).toBe(false);
    // The members table reads the same per-user flag for its "Compliant" cell.
    const { rows } = await listMembers(handle.db, { organizationId: org.id, now: new Date() });
    expect(rows.map((r) => [r.userId, r.secureMethod]).sort()).toEqual([[a.id, false], [b.id, true]].sort());

    const other = await createOrganization(handle.db);
    const joining = await createUser(handle.db);
    await addPasskey(joining.id);
    await handle.db.insert(memberships).values({ organizationId: other.id, userId: joining.id, role: "member" });
    expect(await secure(other.id)).toBe(1);
    await handle.db.delete(memberships).where(eq(memberships.organizationId, org.id));
    expect(await enrollmentProgress(handle.db, org.id)).toMatchObject({ secure: 0, total: 0 });
    expect(await secure(other.id)).toBe(1);
  });

  if (target.name !== "pglite") it("two transactions removing a member's app and passkey at once leave them counted as having none", async () => {
    const org = await createOrganization(handle.db);
    const member = await createUser(handle.db, { organizationId: org.id });
    await setUpAuthenticatorApp(deps, member);
    await addPasskey(member.id);
    expect(await secure(org.id)).toBe(1);
    let firstDeleted!: () => void;
    const deleted = new Promise<void>((resolve) => (firstDeleted = resolve));
    let secondWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => (secondWaiting = resolve));
    let secondDone = false;
    const first = handle.db.transaction(async (tx) => {
      await tx.delete(authenticatorApps).where(eq(authenticatorApps.userId, member.id));
      firstDeleted();
      // Held open until the second is blocked on the member's row (or done, were there no lock).
      await waiting;
    });
    const second = deleted.then(() =>
      handle.db.transaction(async (tx) => {
        await tx.delete(passkeys).where(eq(passkeys.userId, member.id));
      }).then(() => void (secondDone = true)),
    );
    await deleted;
    for (;;) {
      const rows = await handle.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      const n = Number((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).map((r) => (r as { n: number }).n)[0] ?? 0);
      if (n > 0 || secondDone) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    secondWaiting();
    await Promise.all([first, second]);
    expect(await flag(member.id)).toBe(false);
    expect(await secure(org.id)).toBe(0);
  });

  if (target.name !== "pglite") it("members adding methods in many concurrent transactions are each counted once", async () => {
    const org = await createOrganization(handle.db);
    const people = await Promise.all(Array.from({ length: 6 }, () => createUser(handle.db, { organizationId: org.id })));
    await Promise.all(people.flatMap((p) => [addPasskey(p.id), addPasskey(p.id), handle.db.transaction(async (tx) => void (await tx.insert(passkeys).values({ userId: p.id, credentialId: crypto.randomUUID(), publicKey: "pk", name: "K", deviceType: "multiDevice", createdAt: new Date() })))]));
    expect(await secure(org.id)).toBe(6);
    await Promise.all(people.map((p) => handle.db.delete(passkeys).where(eq(passkeys.userId, p.id))));
    expect(await secure(org.id)).toBe(0);
  });
});
