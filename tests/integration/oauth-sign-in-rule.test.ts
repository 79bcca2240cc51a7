import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetPasswordWithToken } from "@/lib/auth/password-reset";
import { randomToken, sha256 } from "@/lib/crypto";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import { organizations, passwordResetTokens, users } from "@/lib/db/schema";
import { appSignInVerdict, type AppSignInRefusal, type AppSignInVerdict } from "@/lib/oauth-portal/sign-in-rule";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import { resetMemberTwoFactor } from "@/lib/two-factor/member-admin";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testClock, testRequest } from "../helpers/fixtures";

// The one rule an app's sign-in is held to (lib/oauth-portal/sign-in-rule.ts), on the portal's
// tables: each refusal from the change that causes it, each allowed case, and a generated sweep of
// amr sets and policies compared with the rule as the issue states it.

const DAY = 86_400_000;
const SECOND_FACTORS = ["sms", "otp", "hwk", "swk", "backup_code", "trusted_device"] as const;
const METHODS = ["pwd", "oidc", "email_link", ...SECOND_FACTORS] as const;

describe.each(databaseTargets())("an app's sign-in held to today's rule on $name", (target) => {
  let handle: DatabaseHandle;
  let db: Db;
  // Real time: users.sessions_valid_after defaults to the database's now().
  const clock = testClock(new Date());
  const now = () => clock.now();
  const ago = (ms: number) => new Date(now().getTime() - ms);
  const later = (ms: number) => new Date(now().getTime() + ms);
  beforeAll(async () => {
    handle = await target.open();
    db = handle.db;
  });
  afterAll(() => handle.close());

  /** A member who signed up a day ago (nothing ended their sessions since), in an organization that requires nothing. */
  async function member(options: { organization?: boolean } = {}) {
    const org = options.organization === false ? null : await createOrganization(db);
    const user = await createUser(db, org ? { organizationId: org.id } : {});
    await db.update(users).set({ sessionsValidAfter: ago(DAY) }).where(eq(users.id, user.id));
    return { org, user };
  }
  type Policy = { requireTwoFactor?: boolean; graceUntil?: Date | null; allowedMethods?: "any" | "secure"; secureGraceUntil?: Date | null };
  const setPolicy = (organizationId: string, p: Policy) =>
    db
      .update(organizations)
      .set({
        requireTwoFactor: p.requireTwoFactor ?? false,
        twoFactorGraceUntil: p.graceUntil ?? null,
        twoFactorAllowedMethods: p.allowedMethods ?? "any",
        secureMethodsGraceUntil: p.secureGraceUntil ?? null,
      })
      .where(eq(organizations.id, organizationId));
  /** A verified phone (enrolled), and whether the member turned 2FA on themselves. */
  const setEnrolment = (userId: string, e: { enrolled: boolean; selfEnabled: boolean }) =>
    db
      .update(users)
      .set({
        phoneE164: e.enrolled ? "+12025550100" : null,
        phoneVerifiedAt: e.enrolled ? ago(DAY) : null,
        twoFactorEnabledAt: e.enrolled ? ago(DAY) : null,
        twoFactorSelfEnabled: e.enrolled && e.selfEnabled,
      })
      .where(eq(users.id, userId));
  const verdict = (userId: string, amr: readonly string[], authTimeMs: number | undefined = ago(60_000).getTime()) =>
    appSignInVerdict(db, { userId, amr, authTimeMs }, now());
  const refused = (reason: AppSignInRefusal): AppSignInVerdict => ({ ok: false, reason });

  describe("refusals", () => {
    it("ACCOUNT_GONE: the member was deleted, or never existed", async () => {
      const { user } = await member();
      expect(await verdict(user.id, ["pwd", "otp"])).toMatchObject({ ok: true });
      await db.delete(users).where(eq(users.id, user.id));
      expect(await verdict(user.id, ["pwd", "otp"])).toEqual(refused("ACCOUNT_GONE"));
      expect(await verdict(crypto.randomUUID(), ["pwd", "otp"])).toEqual(refused("ACCOUNT_GONE"));
    });

    it("SIGNED_OUT: a password reset after the sign-in", async () => {
      const { user } = await member();
      const token = randomToken();
      await db.insert(passwordResetTokens).values({ userId: user.id, tokenHash: sha256(token), createdAt: now(), expiresAt: later(60_000) });
      expect(await resetPasswordWithToken({ db, clock }, { token, newPassword: "a brand new long password", request: testRequest() })).toEqual({ ok: true });
      expect(await verdict(user.id, ["pwd", "sms"])).toEqual(refused("SIGNED_OUT"));
      // A sign-in made after the reset is fine.
      expect(await verdict(user.id, ["pwd", "sms"], later(1_000).getTime())).toMatchObject({ ok: true });
    });

    it("SIGNED_OUT: an admin's reset of the member's two-step authentication after the sign-in (through the portal's host)", async () => {
      const { org, user } = await member();
      await setEnrolment(user.id, { enrolled: true, selfEnabled: true });
      const admin = await createUser(db, { organizationId: org!.id, role: "admin" });
      const done = await resetMemberTwoFactor(
        { db, host: portalTwoFactorHost },
        { actor: { userId: admin.id, organizationId: org!.id }, targetUserId: user.id, request: testRequest(), now: now() },
      );
      expect(done).toMatchObject({ ok: true });
      expect(await verdict(user.id, ["pwd", "otp"])).toEqual(refused("SIGNED_OUT"));
    });

    it("SIGNED_OUT: sessions_valid_after moved past the sign-in (a sign-out everywhere); an unknown sign-in time counts as before it", async () => {
      const { user } = await member();
      expect(await appSignInVerdict(db, { userId: user.id, amr: ["pwd"], authTimeMs: undefined }, now())).toEqual(refused("SIGNED_OUT"));
      // Whole seconds, as the provider keeps a sign-in's time: a sign-in the second before the
      // reset is refused; one in the reset's own second is not counted as before it.
      const reset = new Date(Math.floor(ago(5_000).getTime() / 1000) * 1000 + 400);
      await db.update(users).set({ sessionsValidAfter: reset }).where(eq(users.id, user.id));
      expect(await verdict(user.id, ["pwd"], reset.getTime() - 401)).toEqual(refused("SIGNED_OUT"));
      expect(await verdict(user.id, ["pwd"], reset.getTime() - 400)).toMatchObject({ ok: true });
      expect(await verdict(user.id, ["pwd"], reset.getTime())).toMatchObject({ ok: true });
    });

    it("SECOND_FACTOR_REQUIRED: the organization turned the requirement on after a password-only sign-in", async () => {
      const { org, user } = await member();
      expect(await verdict(user.id, ["pwd"])).toEqual({ ok: true, organizationId: org!.id });
      await setPolicy(org!.id, { requireTwoFactor: true });
      expect(await verdict(user.id, ["pwd"])).toEqual(refused("SECOND_FACTOR_REQUIRED"));
      // A grace period that has run out is no grace.
      await setPolicy(org!.id, { requireTwoFactor: true, graceUntil: ago(1) });
      expect(await verdict(user.id, ["pwd"])).toEqual(refused("SECOND_FACTOR_REQUIRED"));
    });

    it("SECOND_FACTOR_REQUIRED: the member turned their own two-step authentication on after a password-only sign-in", async () => {
      const { user } = await member({ organization: false });
      expect(await verdict(user.id, ["pwd"])).toEqual({ ok: true, organizationId: null });
      await setEnrolment(user.id, { enrolled: true, selfEnabled: true });
      expect(await verdict(user.id, ["pwd"])).toEqual(refused("SECOND_FACTOR_REQUIRED"));
      expect(await verdict(user.id, ["pwd", "sms"])).toEqual({ ok: true, organizationId: null });
    });

    it("SECURE_METHOD_REQUIRED: secure methods only, past its grace, for a sign-in whose only second factor was SMS", async () => {
      const { org, user } = await member();
      await setPolicy(org!.id, { requireTwoFactor: true, allowedMethods: "secure", secureGraceUntil: ago(1) });
      expect(await verdict(user.id, ["pwd", "sms"])).toEqual(refused("SECURE_METHOD_REQUIRED"));
      await setPolicy(org!.id, { requireTwoFactor: false, allowedMethods: "secure", secureGraceUntil: null });
      expect(await verdict(user.id, ["pwd", "sms"])).toEqual(refused("SECURE_METHOD_REQUIRED"));
    });
  });

  describe("allowed", () => {
    it("a member not set up yet, while the organization's grace period runs, keeps a password-only sign-in", async () => {
      const { org, user } = await member();
      await setPolicy(org!.id, { requireTwoFactor: true, graceUntil: later(DAY) });
      expect(await verdict(user.id, ["pwd"])).toEqual({ ok: true, organizationId: org!.id });
    });

    it("every second factor satisfies the requirement: otp, hwk, swk, backup_code, trusted_device (and sms)", async () => {
      const { org, user } = await member();
      await setPolicy(org!.id, { requireTwoFactor: true });
      await setEnrolment(user.id, { enrolled: true, selfEnabled: false });
      for (const factor of SECOND_FACTORS) expect(await verdict(user.id, ["pwd", factor]), factor).toEqual({ ok: true, organizationId: org!.id });
    });

    it("secure methods only, within its grace, still takes an SMS sign-in; past it, any other second factor", async () => {
      const { org, user } = await member();
      await setPolicy(org!.id, { requireTwoFactor: true, allowedMethods: "secure", secureGraceUntil: later(DAY) });
      expect(await verdict(user.id, ["pwd", "sms"])).toEqual({ ok: true, organizationId: org!.id });
      await setPolicy(org!.id, { requireTwoFactor: true, allowedMethods: "secure", secureGraceUntil: null });
      for (const factor of SECOND_FACTORS.filter((f) => f !== "sms")) {
        expect(await verdict(user.id, ["pwd", "sms", factor]), factor).toEqual({ ok: true, organizationId: org!.id });
      }
    });
  });

  /** The rule as the issue and the Security docs say it, written plainly. */
  function expected(c: Case, organizationId: string | null): AppSignInVerdict {
    if (c.deleted) return refused("ACCOUNT_GONE");
    if (c.signedInBeforeReset) return refused("SIGNED_OUT");
    const secondFactors = SECOND_FACTORS.filter((method) => (c.amr as readonly string[]).includes(method));
    const org = c.inOrganization ? c.policy : null;
    const graceRunning = org?.requireTwoFactor === true && org.grace === "running";
    const organizationRequires = org?.requireTwoFactor === true && !(graceRunning && !c.enrolled);
    if ((organizationRequires || c.selfEnabled) && secondFactors.length === 0) return refused("SECOND_FACTOR_REQUIRED");
    const smsRefused = org?.allowedMethods === "secure" && org.secureGrace !== "running";
    if (smsRefused && secondFactors.length > 0 && secondFactors.every((f) => f === "sms")) return refused("SECURE_METHOD_REQUIRED");
    return { ok: true, organizationId };
  }

  const grace = fc.constantFrom("none" as const, "ended" as const, "running" as const);
  const graceDate = (g: "none" | "ended" | "running") => (g === "none" ? null : g === "ended" ? ago(DAY) : later(DAY));
  const cases = fc
    .record({
      amr: fc.subarray([...METHODS]),
      inOrganization: fc.boolean(),
      policy: fc.record({ requireTwoFactor: fc.boolean(), grace, allowedMethods: fc.constantFrom("any" as const, "secure" as const), secureGrace: grace }),
      enrolled: fc.boolean(),
      selfEnabled: fc.boolean(),
      // Rarer, so that most cases reach the second factor's rules.
      signedInBeforeReset: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      deleted: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    })
    // Turning it on oneself takes a method (the last one cannot be removed while it is on).
    .map((c) => ({ ...c, selfEnabled: c.enrolled && c.selfEnabled }));
  type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

  it("for any amr set and any policy, the verdict is the rule as stated: reset, then the second factor required, then secure methods only", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const { org, user } = await member({ organization: c.inOrganization });
        if (org) {
          const p = c.policy;
          await setPolicy(org.id, { requireTwoFactor: p.requireTwoFactor, graceUntil: graceDate(p.grace), allowedMethods: p.allowedMethods, secureGraceUntil: graceDate(p.secureGrace) });
        }
        await setEnrolment(user.id, c);
        const authTimeMs = ago(60_000).getTime();
        if (c.signedInBeforeReset) await db.update(users).set({ sessionsValidAfter: ago(30_000) }).where(eq(users.id, user.id));
        if (c.deleted) await db.delete(users).where(eq(users.id, user.id));
        expect(await verdict(user.id, c.amr, authTimeMs)).toEqual(expected(c, org?.id ?? null));
      }),
      { numRuns: 60 },
    );
  });
});
