import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markSessionEnded } from "@/lib/auth/ended-sessions";
import type { DatabaseHandle } from "@/lib/db/client";
import { endedSessions } from "@/lib/db/schema";
import { loadViewer } from "@/lib/users";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testClock } from "../helpers/fixtures";

describe.each(databaseTargets())("signed-out sessions on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("a session token kept from before sign-out loads no viewer, while the user's other sessions still do", async () => {
    const clock = testClock();
    const org = await createOrganization(handle.db);
    const user = await createUser(handle.db, { organizationId: org.id });
    const signedOut = clock.now().getTime();
    const otherDevice = signedOut + 5_000;
    expect(await loadViewer(handle.db, user.id, signedOut)).toMatchObject({ user: { id: user.id } });

    await markSessionEnded(handle.db, user.id, signedOut, clock.now());
    await markSessionEnded(handle.db, user.id, signedOut, clock.now()); // a second sign-out of the same copy

    expect(await loadViewer(handle.db, user.id, signedOut)).toBeNull();
    expect(await loadViewer(handle.db, user.id, otherDevice)).toMatchObject({ user: { id: user.id }, organization: { id: org.id } });
  });

  it("records older than the longest session are pruned on the next sign-out, since no token they match can still be valid", async () => {
    const clock = testClock();
    const user = await createUser(handle.db);
    await markSessionEnded(handle.db, user.id, 1, clock.now());
    clock.advance(2 * 86_400_000);
    await markSessionEnded(handle.db, user.id, 2, clock.now());
    const rows = (await handle.db.select().from(endedSessions)).filter((row) => row.userId === user.id);
    expect(rows.map((row) => row.authTime)).toEqual([2]);
  });
});
