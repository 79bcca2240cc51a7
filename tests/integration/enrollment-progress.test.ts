import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { enrollmentProgress } from "@/lib/members";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser } from "../helpers/fixtures";
import { enrollUser, makeDeps, type TestDeps } from "../helpers/two-factor";

// Issue 14 item 5: "N of M members have set up two-step authentication" counts everyone the
// requirement applies to, the owner and the admins included.

describe.each(databaseTargets())("enrollment progress on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  it("the owner and the admins count among the M members, and each one who sets up two-step authentication counts in N", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
    const member = await createUser(handle.db, { organizationId: org.id, role: "member" });
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 0, secure: 0, total: 3 });

    await enrollUser(deps, member);
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 1, secure: 0, total: 3 });
    await enrollUser(deps, admin);
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 2, secure: 0, total: 3 });
    await enrollUser(deps, owner);
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 3, secure: 0, total: 3 });
  });

  it("an owner alone in the organization, without a second factor, is 0 of 1", async () => {
    const org = await createOrganization(handle.db);
    await createUser(handle.db, { organizationId: org.id, role: "owner" });
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 0, secure: 0, total: 1 });
  });
});
