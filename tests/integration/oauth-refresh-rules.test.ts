import { eq } from "drizzle-orm";
import fc from "fast-check";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetPasswordWithToken } from "@/lib/auth/password-reset";
import { systemClock } from "@/lib/clock";
import { randomToken, sha256 } from "@/lib/crypto";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import { organizations, passwordResetTokens, users } from "@/lib/db/schema";
import { isGrantLive } from "@/lib/oauth/artifacts";
import { portalOAuthAccounts } from "@/lib/oauth-portal/accounts";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import { resetMemberTwoFactor } from "@/lib/two-factor/member-admin";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { exchangeCode, obtainCode, refresh } from "../helpers/oauth-native-app";
import { startOAuthServer, type OAuthTestServer } from "../helpers/oauth-server";
import { REGISTERED } from "../helpers/redirect-uri-spellings";

// Issue 19 §2 through the real provider and the portal's own answer (accounts.ts, sign-in-rule.ts)
// on the portal's tables: what a member's change or an admin's does to an app already signed in.

const DAY = 86_400_000;
const INVALID_GRANT = { status: 400, body: { error: "invalid_grant" } };

/**
 * The provider keeps a sign-in's time in whole seconds (auth_time) and a reset ends everything
 * before its millisecond: a sign-in in the very second of a reset counts as before it. A member
 * signs in again later than that; the test waits for the next second to do the same.
 */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 5));

describe.each(databaseTargets())("an app's refresh held to the portal's rules on $name", (target) => {
  let handle: DatabaseHandle;
  let db: Db;
  let server: OAuthTestServer;
  let signingIn: { accountId: string; amr: string[] } = { accountId: "nobody", amr: [] };
  beforeAll(async () => {
    handle = await target.open();
    db = handle.db;
    server = await startOAuthServer({ db, accounts: portalOAuthAccounts({ db, clock: systemClock }), signIn: () => signingIn });
  });
  afterAll(async () => {
    await server?.close();
    await handle?.close();
  });

  /** A member of an organization that requires nothing yet, who signed up a day ago; and an admin of it. */
  async function seedMember() {
    const org = await createOrganization(db);
    const user = await createUser(db, { organizationId: org.id });
    const admin = await createUser(db, { organizationId: org.id, role: "admin" });
    await db.update(users).set({ sessionsValidAfter: new Date(Date.now() - DAY) }).where(eq(users.id, user.id));
    return { org, user, admin };
  }
  /** The app signs the member in through the browser (the portal's sign-in made with `amr`) and exchanges the code. */
  async function signInApp(userId: string, amr: string[]) {
    signingIn = { accountId: userId, amr };
    const answer = await exchangeCode(server, await obtainCode(server, REGISTERED.privateUse));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return { accessToken: answer.body.access_token!, refreshToken: answer.body.refresh_token! };
  }
  /** Refreshes and keeps the newest refresh token, as the app does. */
  async function refreshes(tokens: { refreshToken: string }) {
    const answer = await refresh(server, tokens.refreshToken);
    if (answer.status === 200) tokens.refreshToken = answer.body.refresh_token!;
    return answer;
  }
  const accessTokenLive = (accessToken: string) => isGrantLive({ db, clock: systemClock }, decodeJwt(accessToken).gid as string);
  const setPolicy = (organizationId: string, policy: Partial<typeof organizations.$inferInsert>) => db.update(organizations).set(policy).where(eq(organizations.id, organizationId));
  const enrol = (userId: string, selfEnabled: boolean) =>
    db.update(users).set({ phoneE164: "+12025550100", phoneVerifiedAt: new Date(), twoFactorEnabledAt: new Date(), twoFactorSelfEnabled: selfEnabled }).where(eq(users.id, userId));
  async function resetPassword(userId: string) {
    const token = randomToken();
    await db.insert(passwordResetTokens).values({ userId, tokenHash: sha256(token), createdAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
    expect(await resetPasswordWithToken({ db, clock: systemClock }, { token, newPassword: "a brand new long password", request: testRequest() })).toEqual({ ok: true });
  }
  async function adminReset(member: { org: { id: string }; user: { id: string }; admin: { id: string } }) {
    const done = await resetMemberTwoFactor(
      { db, host: portalTwoFactorHost },
      { actor: { userId: member.admin.id, organizationId: member.org.id }, targetUserId: member.user.id, request: testRequest(), now: new Date() },
    );
    expect(done).toMatchObject({ ok: true });
  }

  type Change =
    | "nothing"
    | "requirement turned on"
    | "requirement turned on, grace running"
    | "own 2FA turned on"
    | "secure methods only"
    | "secure methods only, grace running"
    | "password reset"
    | "admin's 2FA reset"
    | "member deleted";
  const CHANGES: Change[] = [
    "nothing",
    "requirement turned on",
    "requirement turned on, grace running",
    "own 2FA turned on",
    "secure methods only",
    "secure methods only, grace running",
    "password reset",
    "admin's 2FA reset",
    "member deleted",
  ];
  const SECOND_FACTORS = ["sms", "otp", "hwk", "swk", "backup_code", "trusted_device"];

  async function apply(change: Change, member: Awaited<ReturnType<typeof seedMember>>) {
    const { org, user } = member;
    const later = new Date(Date.now() + DAY);
    if (change === "requirement turned on") await setPolicy(org.id, { requireTwoFactor: true });
    if (change === "requirement turned on, grace running") await setPolicy(org.id, { requireTwoFactor: true, twoFactorGraceUntil: later });
    if (change === "own 2FA turned on") await enrol(user.id, true);
    if (change === "secure methods only") await setPolicy(org.id, { twoFactorAllowedMethods: "secure", secureMethodsGraceUntil: null });
    if (change === "secure methods only, grace running") await setPolicy(org.id, { twoFactorAllowedMethods: "secure", secureMethodsGraceUntil: later });
    if (change === "password reset") await resetPassword(user.id);
    if (change === "admin's 2FA reset") await adminReset(member);
    if (change === "member deleted") await db.delete(users).where(eq(users.id, user.id));
  }

  /** Whether the sign-in still meets the rule after the change, as the issue states it. */
  function stillMeetsRule(change: Change, amr: string[]): boolean {
    const secondFactors = amr.filter((method) => SECOND_FACTORS.includes(method));
    switch (change) {
      case "password reset":
      case "admin's 2FA reset":
      case "member deleted":
        return false;
      case "requirement turned on":
      case "own 2FA turned on":
        return secondFactors.length > 0;
      case "secure methods only":
        return !(secondFactors.length > 0 && secondFactors.every((method) => method === "sms"));
      default:
        return true;
    }
  }

  it("a refresh never outlives a rule the sign-in no longer meets, and keeps working while it meets it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANGES), fc.subarray(SECOND_FACTORS, { maxLength: 2 }), async (change, factors) => {
        const member = await seedMember();
        const amr = ["pwd", ...factors];
        const tokens = await signInApp(member.user.id, amr);
        expect((await refreshes(tokens)).status).toBe(200);
        await apply(change, member);
        const answer = await refreshes(tokens);
        if (stillMeetsRule(change, amr)) expect(answer.status, `${change}, amr ${amr.join(" ")}`).toBe(200);
        else expect(answer, `${change}, amr ${amr.join(" ")}`).toMatchObject(INVALID_GRANT);
        // Refused, it stays refused: the app has to go back through the browser.
        if (answer.status !== 200) expect(await refreshes(tokens)).toMatchObject(INVALID_GRANT);
      }),
      { numRuns: 30 },
    );
  });

  it("after the organization requires 2FA, a password-only sign-in is refused at refresh; signed in again with an SMS code, the app refreshes", async () => {
    const member = await seedMember();
    const tokens = await signInApp(member.user.id, ["pwd"]);
    await setPolicy(member.org.id, { requireTwoFactor: true });
    expect(await refreshes(tokens)).toMatchObject(INVALID_GRANT);
    // The refused sign-in is over: its grant is gone, so Signed-in apps no longer lists it and its
    // access token is refused at once.
    expect(await accessTokenLive(tokens.accessToken)).toBe(false);
    expect(await refreshes(tokens)).toMatchObject(INVALID_GRANT);
    const again = await signInApp(member.user.id, ["pwd", "sms"]);
    expect((await refreshes(again)).status).toBe(200);
    expect((await refreshes(again)).status).toBe(200);
  });

  it("a password reset signs every app of the member out at once: refresh tokens refused, access tokens' grants gone; a sign-in after it works", async () => {
    const member = await seedMember();
    const first = await signInApp(member.user.id, ["pwd", "otp"]);
    const second = await signInApp(member.user.id, ["pwd", "sms"]);
    const someoneElse = await seedMember();
    const theirs = await signInApp(someoneElse.user.id, ["pwd"]);
    await resetPassword(member.user.id);
    for (const tokens of [first, second]) {
      expect(await refreshes(tokens)).toMatchObject(INVALID_GRANT);
      expect(await accessTokenLive(tokens.accessToken)).toBe(false);
    }
    expect(await accessTokenLive(theirs.accessToken)).toBe(true);
    expect((await refreshes(theirs)).status).toBe(200);
    await nextSecond();
    const after = await signInApp(member.user.id, ["pwd", "otp"]);
    expect((await refreshes(after)).status).toBe(200);
  });

  it("an admin's reset of the member's 2FA signs every app of the member out at once; a sign-in after it works", async () => {
    const member = await seedMember();
    await enrol(member.user.id, false);
    const tokens = await signInApp(member.user.id, ["pwd", "hwk"]);
    await adminReset(member);
    expect(await refreshes(tokens)).toMatchObject(INVALID_GRANT);
    expect(await accessTokenLive(tokens.accessToken)).toBe(false);
    await nextSecond();
    const after = await signInApp(member.user.id, ["pwd"]);
    expect((await refreshes(after)).status).toBe(200);
  });

  it("a deleted member's app is refused at refresh, and a code issued before the deletion is refused at exchange", async () => {
    const member = await seedMember();
    const tokens = await signInApp(member.user.id, ["pwd", "otp"]);
    signingIn = { accountId: member.user.id, amr: ["pwd", "otp"] };
    const code = await obtainCode(server, REGISTERED.privateUse);
    await db.delete(users).where(eq(users.id, member.user.id));
    expect(await refreshes(tokens)).toMatchObject(INVALID_GRANT);
    expect(await exchangeCode(server, code)).toMatchObject(INVALID_GRANT);
  });
});
