import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { continueAfterPassword } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { jarWithPending, mountedPlugin, type Mounted } from "../helpers/route-handler";
import { createEnrolledUser, createOrgUser, type TestDeps } from "../helpers/two-factor";

// checks.pendingSignIn: what a host's two-factor pages (setup, challenge) ask before they render.

describe.each(databaseTargets())("the two-factor pages' check of the pending sign-in on $name", (target) => {
  let handle: DatabaseHandle;
  let mounted: Mounted;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    mounted = mountedPlugin(handle.db);
    deps = { ...(await mounted.plugin.deps()), clock: mounted.clock, sms: mounted.sms };
  });
  afterAll(() => handle.close());

  const signInOf = async (userId: string) => {
    const after = await continueAfterPassword(deps, { userId, returnTo: "/", deviceToken: undefined, request: testRequest() });
    if (after.next !== "second_factor") throw new Error("a second factor is due");
    return after.pending;
  };

  it("without a pending sign-in (no cookie, or one sealed with another password) the page sends the browser to sign-in, expired", async () => {
    expect(await mounted.plugin.checks.pendingSignIn({ get: () => undefined }, "challenge")).toEqual({ ok: false, redirectTo: "/sign-in?expired=1" });
    const forged = { get: (name: string) => (name === mounted.plugin.cookies.names.pendingSignIn ? { name, value: "Fe26.2**forged" } : undefined) };
    expect(await mounted.plugin.checks.pendingSignIn(forged, "setup")).toEqual({ ok: false, redirectTo: "/sign-in?expired=1" });
  });

  it("a pending sign-in opens only its own stage's page: setup's browser asking for the challenge goes to setup, and the reverse", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: true });
    const setup = await signInOf(user.id);
    const setupJar = await jarWithPending(mounted, setup);
    const reader = { get: (name: string) => (setupJar.values.has(name) ? { name, value: setupJar.values.get(name)! } : undefined) };
    expect(await mounted.plugin.checks.pendingSignIn(reader, "challenge")).toEqual({ ok: false, redirectTo: "/two-factor/setup" });
    expect(await mounted.plugin.checks.pendingSignIn(reader, "setup")).toMatchObject({ ok: true, pending: { userId: user.id, stage: "setup" } });

    const enrolled = await createEnrolledUser(deps);
    const challengeJar = await jarWithPending(mounted, await signInOf(enrolled.user.id));
    const challengeReader = { get: (name: string) => (challengeJar.values.has(name) ? { name, value: challengeJar.values.get(name)! } : undefined) };
    expect(await mounted.plugin.checks.pendingSignIn(challengeReader, "setup")).toEqual({ ok: false, redirectTo: "/two-factor/challenge" });
    expect(await mounted.plugin.checks.pendingSignIn(challengeReader, "challenge")).toMatchObject({ ok: true, pending: { userId: enrolled.user.id } });
  });

  it("a pending sign-in ended in the database since (a password reset, an admin's reset) no longer opens the page, though its cookie is still valid", async () => {
    const enrolled = await createEnrolledUser(deps);
    const jar = await jarWithPending(mounted, await signInOf(enrolled.user.id));
    const reader = { get: (name: string) => (jar.values.has(name) ? { name, value: jar.values.get(name)! } : undefined) };
    mounted.clock.advance(1_000);
    await handle.db.update(users).set({ pendingSignInsValidAfter: mounted.clock.now() }).where(eq(users.id, enrolled.user.id));
    expect(await mounted.plugin.checks.pendingSignIn(reader, "challenge")).toEqual({ ok: false, redirectTo: "/sign-in?ended=1" });
  });
});
