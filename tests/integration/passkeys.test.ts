import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, passkeyChallenges, passkeys, users } from "@/lib/db/schema";
import { hasRecentSecondFactor } from "@/lib/two-factor/confirm";
import { twoFactorPageStatus } from "@/lib/two-factor/page-status";
import { beginPasskeyRegistration } from "@/lib/two-factor/passkey-registration";
import { beginPasskeySignIn } from "@/lib/two-factor/passkey-sign-in";
import { listPasskeys, passkeyNameField, PASSKEY_NAME_RULE, removePasskey, renamePasskey } from "@/lib/two-factor/passkeys";
import { removeUserSecondFactor } from "@/lib/two-factor/second-factor-removal";
import { passkeyOptionsProblem } from "@/lib/two-factor/passkey-relying-party";
import { sweepTwoFactorTables } from "@/lib/two-factor/sweep";
import { databaseTargets } from "../helpers/databases";
import { createUser, testRequest } from "../helpers/fixtures";
import { addPasskey, passkeyDeps, sessionNonceOf, signInOptions, signInWithPasskey, ON_SITE, RP_ID } from "../helpers/passkeys";
import { SoftwareAuthenticator } from "../helpers/software-authenticator";
import { createEnrolledUser, makeDeps, pendingFor, type TestDeps } from "../helpers/two-factor";

// Passkeys and security keys (WebAuthn) in the core: adding several, naming, renaming and
// removing them, and signing in with one. The answers are a software authenticator's, built and
// signed in Node as a browser would send them; @simplewebauthn/server checks them for real.

describe.each(databaseTargets())("passkeys on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = passkeyDeps(handle.db);
  });
  afterAll(() => handle.close());

  const challengeOf = (userId: string) => pendingFor(userId, { now: deps.clock.now() });
  const eventsOf = (userId: string, type: string) =>
    handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, type)));
  const rowsOf = (userId: string) => handle.db.select().from(passkeys).where(eq(passkeys.userId, userId));

  it("asks the browser for a verified, preferably discoverable passkey on the site's RP id, without attestation, excluding the member's own", async () => {
    const { user } = await createEnrolledUser(deps);
    const first = await addPasskey(deps, user.id, "Work laptop");
    expect(first.options).toMatchObject({
      rp: { id: RP_ID, name: "Connect" },
      // The user handle: the user id's UTF-8 bytes (base64url in the JSON), as with @simplewebauthn 9.
      user: { id: Buffer.from(user.id).toString("base64url"), name: user.email },
      attestation: "none",
      authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
      excludeCredentials: [],
    });
    const begun = await beginPasskeyRegistration(deps, { userId: user.id, attemptNonce: sessionNonceOf(user.id) });
    expect(begun.ok && begun.options.excludeCredentials).toEqual([expect.objectContaining({ id: first.authenticator.id, type: "public-key" })]);
    expect(begun.ok && begun.options.challenge).not.toBe(first.options.challenge);
  });

  it("keeps several passkeys per member, each with its name, and records each addition", async () => {
    const { user } = await createEnrolledUser(deps);
    const laptop = await addPasskey(deps, user.id, "Work laptop");
    expect(laptop.done).toEqual({ ok: true, email: user.email, passkey: { id: expect.any(String), name: "Work laptop" } });
    deps.clock.advance(1_000);
    const key = await addPasskey(deps, user.id, "Blue security key");
    expect(key.done.ok).toBe(true);
    const listed = await listPasskeys(handle.db, user.id);
    expect(listed.map((p) => p.name)).toEqual(["Work laptop", "Blue security key"]);
    expect(listed[0]).toEqual({ id: expect.any(String), name: "Work laptop", deviceType: "singleDevice", addedAt: expect.any(Date), lastUsedAt: null });
    const [row] = await handle.db.select().from(passkeys).where(eq(passkeys.credentialId, laptop.authenticator.id));
    expect(row).toMatchObject({ userId: user.id, transports: ["internal"], counter: 0, backedUp: false });
    expect((await eventsOf(user.id, "two_factor.passkey_added")).map((e) => e.details)).toEqual([
      { name: "Work laptop", deviceType: "singleDevice" },
      { name: "Blue security key", deviceType: "singleDevice" },
    ]);
  });

  it("the same credential is never added twice, to the member or to anyone else", async () => {
    const { user } = await createEnrolledUser(deps);
    const other = await createUser(handle.db);
    const { authenticator } = await addPasskey(deps, user.id);
    expect((await addPasskey(deps, user.id, "Again", authenticator)).done).toEqual({ ok: false, code: "PASSKEY_ALREADY_ADDED" });
    expect((await addPasskey(deps, other.id, "Stolen", authenticator)).done).toEqual({ ok: false, code: "PASSKEY_ALREADY_ADDED" });
    expect(await rowsOf(other.id)).toEqual([]);
  });

  it("a name is trimmed and 1 to 60 characters; any other is refused with the rule", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom("", " ", "  \t"), (name, pad) => {
        const parsed = passkeyNameField.safeParse(`${pad}${name}${pad}`);
        const trimmed = `${pad}${name}${pad}`.trim();
        if (trimmed.length >= 1 && trimmed.length <= 60) expect(parsed).toEqual({ success: true, data: trimmed });
        else expect(parsed.error?.issues[0]?.message).toBe(PASSKEY_NAME_RULE);
      }),
    );
  });

  it("signs in with a passkey: the options allow the member's own passkeys, the session's amr names hwk, and the counter and last use are kept", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id, "Security key");
    const second = await addPasskey(deps, user.id, "Phone");
    const pending = challengeOf(user.id);
    const options = await signInOptions(deps, pending);
    expect(options).toMatchObject({ rpId: RP_ID, userVerification: "required" });
    expect(options.allowCredentials?.map((c) => c.id).sort()).toEqual([authenticator.id, second.authenticator.id].sort());

    const done = await signInWithPasskey(deps, pending, authenticator.assert(options, ON_SITE));
    expect(done).toEqual({ ok: true, session: { userId: user.id, amr: ["pwd", "hwk"] }, email: user.email, deviceToken: null, deviceExpiresAt: null, backupCodesRemaining: null });
    const [row] = await handle.db.select().from(passkeys).where(eq(passkeys.credentialId, authenticator.id));
    expect(row).toMatchObject({ counter: 1, lastUsedAt: deps.clock.now() });
    expect(await eventsOf(user.id, "two_factor.passkey_used")).toEqual([expect.objectContaining({ details: { name: "Security key", purpose: "sign_in" } })]);
    expect(await eventsOf(user.id, "sign_in.second_factor_succeeded")).toEqual([expect.objectContaining({ details: { amr: ["pwd", "hwk"] } })]);
    expect(hasRecentSecondFactor({ amr: ["pwd", "hwk"], authTime: deps.clock.now().getTime() }, null, deps.clock.now().getTime())).toBe(true);
  });

  it("a synced passkey (counter 0, backed up) signs in again and again, with amr swk", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id, "Phone", new SoftwareAuthenticator({ counter: 0, synced: true }));
    for (let i = 0; i < 2; i++) {
      const pending = challengeOf(user.id);
      const done = await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), ON_SITE));
      expect(done).toMatchObject({ ok: true, session: { amr: ["pwd", "swk"] } });
    }
    expect(await rowsOf(user.id)).toEqual([expect.objectContaining({ deviceType: "multiDevice", backedUp: true, counter: 0 })]);
  });

  it("\"Trust this device\" works with a passkey too", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const pending = challengeOf(user.id);
    const done = await signInWithPasskey(deps, pending, authenticator.assert(await signInOptions(deps, pending), ON_SITE), true);
    expect(done).toMatchObject({ ok: true, deviceToken: expect.any(String), deviceExpiresAt: expect.any(Date) });
    expect(await eventsOf(user.id, "two_factor.trusted_device_added")).toHaveLength(1);
  });

  it("a member without passkeys is offered none; the page status says whether there is one", async () => {
    const { user } = await createEnrolledUser(deps);
    const pending = challengeOf(user.id);
    expect(await beginPasskeySignIn(deps, pending)).toEqual({ ok: false, code: "NO_PASSKEY" });
    expect((await twoFactorPageStatus(deps, pending)).hasPasskey).toBe(false);
    await addPasskey(deps, user.id);
    expect((await twoFactorPageStatus(deps, pending)).hasPasskey).toBe(true);
    // A host without passkeys set up offers none, whatever is stored.
    const without = makeDeps(handle.db, { clock: deps.clock });
    expect((await twoFactorPageStatus(without, pending)).hasPasskey).toBe(false);
    expect(await beginPasskeySignIn(without, pending)).toEqual({ ok: false, code: "PASSKEYS_UNAVAILABLE" });
    expect(await beginPasskeyRegistration(without, { userId: user.id, attemptNonce: "n" })).toEqual({ ok: false, code: "PASSKEYS_UNAVAILABLE" });
  });

  it("renames and removes only the member's own passkeys; a removed one no longer signs in", async () => {
    const { user } = await createEnrolledUser(deps);
    const { user: other } = await createEnrolledUser(deps);
    const { authenticator, done } = await addPasskey(deps, user.id, "Old name");
    if (!done.ok) throw new Error("not added");
    const id = done.passkey.id;
    expect(await renamePasskey(deps, { userId: other.id, passkeyId: id, name: "Mine now", request: testRequest() })).toEqual({ ok: false, code: "NO_PASSKEY" });
    expect(await removePasskey(deps, { userId: other.id, passkeyId: id, request: testRequest() })).toEqual({ ok: false, code: "NO_PASSKEY" });
    expect(await renamePasskey(deps, { userId: user.id, passkeyId: id, name: "New name", request: testRequest() })).toEqual({ ok: true });
    expect((await listPasskeys(handle.db, user.id)).map((p) => p.name)).toEqual(["New name"]);

    const pending = challengeOf(user.id);
    const options = await signInOptions(deps, pending);
    expect(await removePasskey(deps, { userId: user.id, passkeyId: id, request: testRequest() })).toEqual({ ok: true, email: user.email, name: "New name" });
    expect(await removePasskey(deps, { userId: user.id, passkeyId: id, request: testRequest() })).toEqual({ ok: false, code: "NO_PASSKEY" });
    expect(await signInWithPasskey(deps, pending, authenticator.assert(options, ON_SITE))).toMatchObject({ ok: false, code: "PASSKEY_NOT_ACCEPTED" });
    expect(await eventsOf(user.id, "two_factor.passkey_removed")).toEqual([expect.objectContaining({ details: { name: "New name" } })]);
    expect(await eventsOf(user.id, "two_factor.passkey_refused")).toEqual([expect.objectContaining({ details: expect.objectContaining({ reason: "unknown_credential" }) })]);
  });

  it("turning two-step authentication off (or an admin's reset) takes the passkeys and their requests away", async () => {
    const { user } = await createEnrolledUser(deps);
    await addPasskey(deps, user.id);
    await signInOptions(deps, challengeOf(user.id));
    await handle.db.transaction((tx) => removeUserSecondFactor({ db: tx, host: deps.host }, user.id, { by: "self", organizationId: null, request: null, now: deps.clock.now() }));
    expect(await rowsOf(user.id)).toEqual([]);
    expect(await handle.db.select().from(passkeyChallenges).where(eq(passkeyChallenges.userId, user.id))).toEqual([]);
  });

  it("the sweep removes passkey requests past their expiry, answered or not, and keeps live ones", async () => {
    const { user } = await createEnrolledUser(deps);
    await addPasskey(deps, user.id);
    const ttl = deps.options.passkeyChallengeTtlMs;
    const begunAt = deps.clock.now();
    await signInOptions(deps, challengeOf(user.id));
    const sweepAt = (ms: number) => sweepTwoFactorTables({ db: handle.db, clock: { now: () => new Date(begunAt.getTime() + ms) }, options: deps.options });
    const mine = () => handle.db.select().from(passkeyChallenges).where(eq(passkeyChallenges.userId, user.id));
    expect(await mine()).toHaveLength(2);
    await sweepAt(ttl - 1);
    expect(await mine()).toHaveLength(2);
    await sweepAt(ttl);
    expect(await mine()).toHaveLength(0);
    const [row] = await handle.db.select({ failures: users.secondFactorFailures }).from(users).where(eq(users.id, user.id));
    expect(row!.failures).toBe(0);
  });
});

describe("the passkey options a host gives", () => {
  it("the RP id is a bare domain and each origin an https origin on it or under it (http only for localhost)", () => {
    const ok = [
      { passkeyRpId: null, passkeyOrigins: [] },
      { passkeyRpId: "localhost", passkeyOrigins: ["http://localhost:3000"] },
      { passkeyRpId: "example.com", passkeyOrigins: ["https://example.com", "https://connect.example.com:8443"] },
    ];
    for (const options of ok) expect(passkeyOptionsProblem(options), JSON.stringify(options)).toBeNull();
    const wrong = [
      { passkeyRpId: null, passkeyOrigins: ["https://example.com"] },
      { passkeyRpId: "https://example.com", passkeyOrigins: ["https://example.com"] },
      { passkeyRpId: "example.com:443", passkeyOrigins: ["https://example.com"] },
      { passkeyRpId: "example.com", passkeyOrigins: [] },
      { passkeyRpId: "example.com", passkeyOrigins: ["http://example.com"] },
      { passkeyRpId: "example.com", passkeyOrigins: ["https://evil-example.com"] },
      { passkeyRpId: "example.com", passkeyOrigins: ["https://example.com/path"] },
      { passkeyRpId: "connect.example.com", passkeyOrigins: ["https://example.com"] },
    ];
    for (const options of wrong) expect(passkeyOptionsProblem(options), JSON.stringify(options)).toEqual(expect.any(String));
  });
});
