import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, passkeys, users } from "@/lib/db/schema";
import { completePasskeyRegistration, beginPasskeyRegistration } from "@/lib/two-factor/passkey-registration";
import { completeWithSmsCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { addPasskey, passkeyDeps, sessionNonceOf, signInOptions, signInWithPasskey, ON_SITE, RP_ID } from "../helpers/passkeys";
import { ORIGIN } from "../helpers/route-handler";
import { SoftwareAuthenticator } from "../helpers/software-authenticator";
import { createEnrolledUser, pendingFor, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

// A passkey's answer counts only when it was made on the site (its origin and RP id), with the
// user verified, by a passkey of this member whose signature counter went up; every refusal counts
// toward the same lock as a wrong code.

const otherSite = fc.oneof(
  fc.webUrl({ withQueryParameters: false, withFragments: false }).map((url) => new URL(url).origin),
  fc.constantFrom("http://portal.test", "https://portal.test:8443", "https://evil.portal.test.example", "https://portal.tes", "https://xportal.test", "null"),
).filter((origin) => origin !== ORIGIN);
const otherRpId = fc.oneof(fc.domain(), fc.constantFrom("test", "portal.test.", "PORTAL.TEST", "evil.test", "sub.portal.test")).filter((id) => id !== RP_ID);

describe.each(databaseTargets({ throughPooler: true }))("a passkey's answer is checked, on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = passkeyDeps(handle.db, { options: { lockoutThreshold: 10_000 } });
  });
  afterAll(() => handle.close());

  const challengeOf = (userId: string, d: TestDeps = deps) => pendingFor(userId, { now: d.clock.now() });
  const eventsOf = (userId: string, type: string) =>
    handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, type)));
  const failuresOf = async (userId: string) => (await handle.db.select({ n: users.secondFactorFailures }).from(users).where(eq(users.id, userId)))[0]!.n;

  it("an answer made on another origin, or for another RP id, is refused and counted; the site's own is accepted", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    await fc.assert(
      fc.asyncProperty(fc.oneof(otherSite.map((origin) => ({ origin, rpId: RP_ID })), otherRpId.map((rpId) => ({ origin: ORIGIN, rpId }))), async (site) => {
        const pending = challengeOf(user.id);
        const before = await failuresOf(user.id);
        const refused = await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), site));
        expect(refused).toMatchObject({ ok: false, code: "PASSKEY_NOT_ACCEPTED", triesLeft: expect.any(Number) });
        expect(await failuresOf(user.id)).toBe(before + 1);
      }),
      { numRuns: 25 },
    );
    const pending = challengeOf(user.id);
    expect(await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), ON_SITE))).toMatchObject({ ok: true });
    expect(await failuresOf(user.id)).toBe(0);
  });

  it("a passkey made on another origin or for another RP id is not added", async () => {
    const { user } = await createEnrolledUser(deps);
    await fc.assert(
      fc.asyncProperty(fc.oneof(otherSite.map((origin) => ({ origin, rpId: RP_ID })), otherRpId.map((rpId) => ({ origin: ORIGIN, rpId }))), async (site) => {
        expect((await addPasskey(deps, user.id, "Elsewhere", new SoftwareAuthenticator(), site)).done).toEqual({ ok: false, code: "PASSKEY_NOT_ACCEPTED" });
      }),
      { numRuns: 15 },
    );
    expect(await handle.db.select().from(passkeys).where(eq(passkeys.userId, user.id))).toEqual([]);
  });

  it("user verification is required: an answer without the UV flag neither adds a passkey nor signs in", async () => {
    const { user } = await createEnrolledUser(deps);
    expect((await addPasskey(deps, user.id, "No PIN", new SoftwareAuthenticator(), { ...ON_SITE, userVerified: false })).done).toEqual({ ok: false, code: "PASSKEY_NOT_ACCEPTED" });
    const { authenticator } = await addPasskey(deps, user.id);
    const pending = challengeOf(user.id);
    const refused = await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), { ...ON_SITE, userVerified: false }));
    expect(refused).toMatchObject({ ok: false, code: "PASSKEY_NOT_ACCEPTED" });
    expect(await eventsOf(user.id, "two_factor.passkey_refused")).toEqual([expect.objectContaining({ details: expect.objectContaining({ reason: "not_verified" }) })]);
  });

  it("a counter that did not go up (a cloned key) is refused, audited as such, and leaves the stored counter", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id, "Blue key", new SoftwareAuthenticator({ counter: 5 }));
    let pending = challengeOf(user.id);
    expect(await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), ON_SITE))).toMatchObject({ ok: true });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), async (counter) => {
        pending = challengeOf(user.id);
        const refused = await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), { ...ON_SITE, counter }));
        expect(refused).toMatchObject({ ok: false, code: "PASSKEY_NOT_ACCEPTED" });
      }),
      { numRuns: 8 },
    );
    const [row] = await handle.db.select().from(passkeys).where(eq(passkeys.userId, user.id));
    expect(row!.counter).toBe(5);
    const refusals = await eventsOf(user.id, "two_factor.passkey_refused");
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) expect(r.details).toMatchObject({ reason: "counter", name: "Blue key" });
    pending = challengeOf(user.id);
    expect(await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), { ...ON_SITE, counter: 6 }))).toMatchObject({ ok: true });
  });

  it("a passkey answer not even shaped as one is refused without counting", async () => {
    const { user } = await createEnrolledUser(deps);
    await addPasskey(deps, user.id);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.constant("{\"id\":\"x\"}")), async (answer) => {
        expect(await signInWithPasskey(deps, challengeOf(user.id), answer)).toEqual({ ok: false, code: "PASSKEY_NOT_ACCEPTED" });
      }),
      { numRuns: 30 },
    );
    expect(await failuresOf(user.id)).toBe(0);
  });

  it("the lock is shared: wrong SMS codes and refused passkeys together reach it, and a locked member's right passkey is refused", async () => {
    const locking = passkeyDeps(handle.db, { clock: deps.clock, options: { lockoutThreshold: 4 } });
    const { user, phone } = await createEnrolledUser(locking);
    const { authenticator } = await addPasskey(locking, user.id);
    const { pending, code } = await startChallenge(locking, user, phone);
    for (let i = 0; i < 2; i++) await completeWithSmsCode(locking, { pending, code: wrongCode(code, i + 1), trustThisDevice: false, request: testRequest() });
    const first = await signInWithPasskey(locking, pending, authenticator.assert(await signInOptions(locking, pending), { ...ON_SITE, rpId: "evil.test" }));
    expect(first).toMatchObject({ ok: false, code: "PASSKEY_NOT_ACCEPTED", triesLeft: 1 });
    const options = await signInOptions(locking, pending);
    const locked = await signInWithPasskey(locking, pending, authenticator.assert(options, { ...ON_SITE, userVerified: false }));
    expect(locked).toMatchObject({ ok: false, code: "LOCKED", startedFor: user.email });
    const again = challengeOf(user.id, locking);
    expect(await signInWithPasskey(locking, again, authenticator.assert({ challenge: "AAAA" }, ON_SITE))).toMatchObject({ ok: false, code: "LOCKED" });
    expect(await eventsOf(user.id, "two_factor.locked")).toHaveLength(1);
    // A registration's refusal counts no try: the member is signed in and guesses nothing.
    const nonce = sessionNonceOf(user.id);
    const begun = await beginPasskeyRegistration(locking, { userId: user.id, attemptNonce: nonce });
    if (!begun.ok) throw new Error("refused");
    const before = await failuresOf(user.id);
    await completePasskeyRegistration(locking, { userId: user.id, attemptNonce: nonce, name: "x", answer: new SoftwareAuthenticator().register(begun.options, { ...ON_SITE, userVerified: false }), request: testRequest() });
    expect(await failuresOf(user.id)).toBe(before);
  });
});
