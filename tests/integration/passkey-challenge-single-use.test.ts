import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, passkeyChallenges, passkeys } from "@/lib/db/schema";
import { consumePasskeyChallenge, issuePasskeyChallenge } from "@/lib/two-factor/passkey-challenge";
import { beginPasskeyRegistration, completePasskeyRegistration } from "@/lib/two-factor/passkey-registration";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { addPasskey, passkeyDeps, sessionNonceOf, signInOptions, signInWithPasskey, ON_SITE } from "../helpers/passkeys";
import { SoftwareAuthenticator } from "../helpers/software-authenticator";
import { concurrentTransactions, contendedDb, createEnrolledUser, pendingFor, type TestDeps } from "../helpers/two-factor";

// A passkey's challenge is answered once, for the attempt it was given to: the pending sign-in's
// (or, when adding one, the signed-in session's), its user and its purpose, before it expires.

describe.each(databaseTargets({ throughPooler: true }))("a passkey challenge is single use and bound to its attempt, on $name", (target) => {
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

  it("the same answer submitted 20 times at once signs in once; the others are told the request was already answered", async () => {
    const { user } = await createEnrolledUser(deps);
    // A synced passkey keeps its counter at 0: only the challenge's single use stops a replay.
    const { authenticator } = await addPasskey(deps, user.id, "Phone", new SoftwareAuthenticator({ counter: 0, synced: true }));
    const pending = challengeOf(user.id);
    const answer = authenticator.assert(await signInOptions(deps, pending), ON_SITE);
    const results = await Promise.all(Array.from({ length: 20 }, () => signInWithPasskey(deps, pending, answer)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    expect(await eventsOf(user.id, "sign_in.second_factor_succeeded")).toHaveLength(1);
    expect(await eventsOf(user.id, "two_factor.passkey_refused")).toEqual([]);
  });

  it("a challenge is spent once even when every spender has read it before any writes", async () => {
    const { user } = await createEnrolledUser(deps);
    const binding = { userId: user.id, purpose: "sign_in" as const, attemptNonce: "attempt" };
    const { challenge } = await issuePasskeyChallenge(handle.db, binding, deps.clock.now(), deps.options);
    const parties = concurrentTransactions(target.name === "pglite" ? "pglite" : "postgres", 20);
    const racing = contendedDb(handle.db, { op: "update", table: passkeyChallenges, parties });
    const spent = await Promise.all(Array.from({ length: 20 }, () => racing.db.transaction((tx) => consumePasskeyChallenge(tx, binding, challenge, deps.clock.now()))));
    expect(spent.filter(Boolean)).toHaveLength(1);
  });

  it("an answer to another pending sign-in's challenge is refused, the member's own or another member's", async () => {
    const { user } = await createEnrolledUser(deps);
    const { user: other } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const otherKey = await addPasskey(deps, other.id);
    const mine = challengeOf(user.id);
    const elsewhere = challengeOf(user.id);
    const options = await signInOptions(deps, elsewhere);
    // The member's own other attempt (another browser's sign-in): refused, and it counts no try.
    expect(await signInWithPasskey(deps, mine, authenticator.assert(options, ON_SITE))).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    // Another member's pending sign-in, answered with this member's passkey on that sign-in's own challenge.
    const theirs = challengeOf(other.id);
    const theirOptions = await signInOptions(deps, theirs);
    expect(await signInWithPasskey(deps, theirs, authenticator.assert(theirOptions, ON_SITE))).toMatchObject({ ok: false, code: "PASSKEY_NOT_ACCEPTED" });
    // This member's challenge answered for the other member's sign-in.
    expect(await signInWithPasskey(deps, theirs, otherKey.authenticator.assert(await signInOptions(deps, mine), ON_SITE))).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    // The attempt it was given to still works, once.
    expect(await signInWithPasskey(deps, elsewhere, authenticator.assert(options, ON_SITE))).toMatchObject({ ok: true });
  });

  it("a challenge given to add a passkey does not sign in, and a sign-in's does not add one", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const pending = challengeOf(user.id);
    const registration = await beginPasskeyRegistration(deps, { userId: user.id, attemptNonce: pending.nonce });
    if (!registration.ok) throw new Error("refused");
    expect(await signInWithPasskey(deps, pending, authenticator.assert(registration.options, ON_SITE))).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    const signIn = await signInOptions(deps, { ...pending, nonce: sessionNonceOf(user.id) });
    const added = await completePasskeyRegistration(deps, {
      userId: user.id,
      attemptNonce: sessionNonceOf(user.id),
      name: "Sneaky",
      answer: new SoftwareAuthenticator().register(signIn, ON_SITE),
      request: testRequest(),
    });
    expect(added).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
  });

  it("a passkey request to add one is bound to the session that asked: another session's answer is refused", async () => {
    const { user } = await createEnrolledUser(deps);
    const asked = await beginPasskeyRegistration(deps, { userId: user.id, attemptNonce: sessionNonceOf(user.id, 1) });
    if (!asked.ok) throw new Error("refused");
    const answer = new SoftwareAuthenticator().register(asked.options, ON_SITE);
    const complete = (authTime: number) =>
      completePasskeyRegistration(deps, { userId: user.id, attemptNonce: sessionNonceOf(user.id, authTime), name: "Laptop", answer, request: testRequest() });
    expect(await complete(2)).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    expect(await complete(1)).toMatchObject({ ok: true });
    expect(await complete(1)).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
  });

  it("a new request replaces the attempt's unanswered one: the earlier one's answer is refused, and an attempt holds one live request", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const pending = challengeOf(user.id);
    const earlier = await signInOptions(deps, pending);
    for (let i = 0; i < 5; i++) await signInOptions(deps, pending);
    const latest = await signInOptions(deps, pending);
    const live = await handle.db.select().from(passkeyChallenges).where(and(eq(passkeyChallenges.userId, user.id), eq(passkeyChallenges.purpose, "sign_in")));
    expect(live).toHaveLength(1);
    expect(await signInWithPasskey(deps, pending, authenticator.assert(earlier, ON_SITE))).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    expect(await signInWithPasskey(deps, pending, authenticator.assert(latest, ON_SITE))).toMatchObject({ ok: true });
  });

  it("a challenge answered after its expiry is refused", async () => {
    const { user } = await createEnrolledUser(deps);
    const { authenticator } = await addPasskey(deps, user.id);
    const pending = challengeOf(user.id);
    const answer = authenticator.assert(await signInOptions(deps, pending), ON_SITE);
    deps.clock.advance(deps.options.passkeyChallengeTtlMs);
    expect(await signInWithPasskey(deps, pending, answer)).toEqual({ ok: false, code: "NO_PASSKEY_REQUEST" });
    const [row] = await handle.db.select().from(passkeys).where(eq(passkeys.userId, user.id));
    expect(row!.lastUsedAt).toBeNull();
  });
});
