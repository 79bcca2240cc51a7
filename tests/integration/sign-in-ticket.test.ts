import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeSignInTicket, issueSignInTicket } from "@/lib/two-factor/sign-in-ticket";
import type { DatabaseHandle } from "@/lib/db/client";
import { signInTickets } from "@/lib/db/schema";
import { databaseTargets } from "../helpers/databases";
import { createUser, testClock } from "../helpers/fixtures";

describe.each(databaseTargets({ throughPooler: true }))("sign-in tickets on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  it("a ticket becomes a session once even under 20 concurrent uses", async () => {
    const clock = testClock();
    const user = await createUser(handle.db);
    const ticket = await issueSignInTicket(handle.db, user.id, ["pwd", "sms"], clock.now());
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeSignInTicket(handle.db, ticket, clock.now())));
    expect(results.filter(Boolean)).toEqual([{ userId: user.id, amr: ["pwd", "sms"] }]);
  });

  it("an expired or unknown ticket is refused, and only a hash is stored", async () => {
    const clock = testClock();
    const user = await createUser(handle.db);
    const ticket = await issueSignInTicket(handle.db, user.id, ["pwd"], clock.now());
    const stored = await handle.db.select().from(signInTickets);
    expect(stored.some((row) => row.tokenHash === ticket)).toBe(false);
    clock.advance(61_000);
    expect(await consumeSignInTicket(handle.db, ticket, clock.now())).toBeNull();
    expect(await consumeSignInTicket(handle.db, "made-up", clock.now())).toBeNull();
  });
});
