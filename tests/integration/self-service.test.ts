import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { setOrganizationRequiresTwoFactor } from "@/lib/organizations";
import { countUnusedBackupCodes } from "@/lib/two-factor/backup-codes";
import { regenerateBackupCodes, revokeOwnTrustedDevice, turnOffTwoFactor } from "@/lib/two-factor/self-service";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { listTrustedDevices, recognizeTrustedDevice, trustDevice } from "@/lib/two-factor/trusted-devices";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { auditEventsAbout, twoFactorSnapshot } from "../helpers/member-state";
import { createEnrolledUser, enrollUser, makeDeps, pendingFor, startChallenge, type TestDeps } from "../helpers/two-factor";

const DAY = 24 * 60 * 60_000;
const CODE_SHAPE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe.each(databaseTargets())("the member's Security page on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const afterPassword = (userId: string, deviceToken?: string) =>
    continueAfterPassword(deps, { userId, returnTo: "/", deviceToken, request: testRequest() });
  const spendBackupCode = (userId: string, code: string) =>
    completeWithBackupCode(deps, { pending: pendingFor(userId, { now: deps.clock.now() }), code, trustThisDevice: false, request: testRequest() });

  /** A member of an organization that does not require 2FA, who turned it on for their own account. */
  async function selfEnabledMember() {
    const org = await createOrganization(handle.db);
    const user = await createUser(handle.db, { organizationId: org.id });
    const enrolled = await enrollUser(deps, user, undefined, { selfEnabled: true });
    return { org, user, ...enrolled };
  }

  describe("new backup codes", () => {
    it("gives 10 new codes and the old set stops working at once, used or not", async () => {
      const { user, backupCodes: old } = await createEnrolledUser(deps);
      expect((await spendBackupCode(user.id, old[0]!)).ok).toBe(true);

      const result = await regenerateBackupCodes(deps, { userId: user.id, request: testRequest() });
      if (!result.ok) throw new Error(`expected new codes, got ${result.code}`);
      expect(result.codes).toHaveLength(10);
      expect(new Set(result.codes).size).toBe(10);
      for (const code of result.codes) {
        expect(code).toMatch(CODE_SHAPE);
        expect(old).not.toContain(code);
      }
      expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(10);
      for (const code of [old[1]!, old[9]!]) expect(await spendBackupCode(user.id, code)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });
      expect((await spendBackupCode(user.id, result.codes[0]!)).ok).toBe(true);
      expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(9);
      expect((await auditEventsAbout(handle.db, user.id)).filter((e) => e.type === "two_factor.backup_codes_regenerated")).toHaveLength(1);
    });

    it("is refused NOT_ENROLLED without a verified phone, and no codes are created", async () => {
      const user = await createUser(handle.db);
      expect(await regenerateBackupCodes(deps, { userId: user.id, request: testRequest() })).toEqual({ ok: false, code: "NOT_ENROLLED" });
      expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(0);
    });
  });

  describe("turning two-step authentication off", () => {
    it("is refused with REQUIRED_BY_ORGANIZATION where the organization requires it, during a grace period too, and nothing changes", async () => {
      const { org, user } = await selfEnabledMember();
      for (const graceDays of [null, 7]) {
        await setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId: user.id, required: false, recentSecondFactor: true, request: null, now: deps.clock.now() });
        await setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId: user.id, required: true, graceDays, request: null, now: deps.clock.now() });
        const before = await twoFactorSnapshot(handle.db, user.id, deps.clock.now());
        expect(await turnOffTwoFactor(deps, { userId: user.id, request: testRequest() })).toEqual({ ok: false, code: "REQUIRED_BY_ORGANIZATION" });
        expect(await twoFactorSnapshot(handle.db, user.id, deps.clock.now())).toEqual(before);
      }
      expect((await auditEventsAbout(handle.db, user.id)).filter((e) => e.type === "two_factor.disabled")).toEqual([]);
    });

    it("otherwise removes the phone, backup codes, live codes and trusted devices, and the password alone signs in again", async () => {
      const { user, phone, backupCodes } = await selfEnabledMember();
      const device = await trustDevice(handle.db, { userId: user.id, userAgent: "vitest", now: deps.clock.now() }, deps.options);
      const { pending, code } = await startChallenge(deps, user, phone);
      expect(await twoFactorSnapshot(handle.db, user.id, deps.clock.now())).toMatchObject({ twoFactorSelfEnabled: true, unusedBackupCodes: 10, liveTrustedDevices: 1, liveCodes: 1 });

      expect(await turnOffTwoFactor(deps, { userId: user.id, request: testRequest() })).toEqual({ ok: true });
      expect(await twoFactorSnapshot(handle.db, user.id, deps.clock.now())).toMatchObject({
        phoneE164: null,
        phoneVerifiedAt: null,
        twoFactorEnabledAt: null,
        twoFactorSelfEnabled: false,
        unusedBackupCodes: 0,
        liveTrustedDevices: 0,
        liveCodes: 0,
      });
      expect(await recognizeTrustedDevice(handle.db, user.id, device.token, deps.clock.now())).toBe(false);
      expect(await completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: false });
      expect(await spendBackupCode(user.id, backupCodes[0]!)).toMatchObject({ ok: false, code: "INVALID_BACKUP_CODE" });

      const next = await afterPassword(user.id);
      if (next.next !== "session") throw new Error("expected the password alone to sign in");
      expect(next.session).toEqual({ userId: user.id, amr: ["pwd"] });
      expect((await auditEventsAbout(handle.db, user.id)).filter((e) => e.type === "two_factor.disabled")).toHaveLength(1);
    });

    it("a user in no organization may turn it off", async () => {
      const user = await createUser(handle.db);
      await enrollUser(deps, user, undefined, { selfEnabled: true });
      expect(await afterPassword(user.id)).toMatchObject({ next: "second_factor" });
      expect(await turnOffTwoFactor(deps, { userId: user.id, request: testRequest() })).toEqual({ ok: true });
      expect(await afterPassword(user.id)).toMatchObject({ next: "session" });
    });

    it("after the organization lifts its requirement, a member who set up because of it may turn it off", async () => {
      const { org, user } = await createEnrolledUser(deps);
      expect(await turnOffTwoFactor(deps, { userId: user.id, request: testRequest() })).toMatchObject({ ok: false });
      await handle.db.update(organizations).set({ requireTwoFactor: false }).where(eq(organizations.id, org.id));
      expect(await turnOffTwoFactor(deps, { userId: user.id, request: testRequest() })).toEqual({ ok: true });
      expect((await twoFactorSnapshot(handle.db, user.id, deps.clock.now())).phoneE164).toBeNull();
    });
  });

  describe("trusted devices", () => {
    it("lists the member's live devices, most recently used first, with this browser marked", async () => {
      const { user } = await createEnrolledUser(deps);
      const other = await createEnrolledUser(deps);
      const start = deps.clock.now().getTime();
      const trust = (userId: string, userAgent: string, at: number) =>
        trustDevice(handle.db, { userId, userAgent, now: new Date(at) }, deps.options);
      const laptop = await trust(user.id, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Firefox/128.0", start - 3 * DAY);
      const phone = await trust(user.id, "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36", start - 2 * DAY);
      await trust(user.id, "expired browser", start - 31 * DAY);
      const revoked = await trust(user.id, "revoked browser", start - DAY);
      await trust(other.user.id, "someone else's browser", start);
      const revokedId = (await listTrustedDevices(handle.db, user.id, revoked.token, deps.clock.now())).find((d) => d.current)!.id;
      expect(await revokeOwnTrustedDevice(deps, { userId: user.id, deviceId: revokedId, request: testRequest() })).toBe(true);
      // the laptop was used again today
      expect(await recognizeTrustedDevice(handle.db, user.id, laptop.token, new Date(start - 60_000))).toBe(true);

      const list = await listTrustedDevices(handle.db, user.id, phone.token, deps.clock.now());
      expect(list.map(({ userAgent, current, lastUsedAt, createdAt }) => ({ userAgent, current, lastUsedAt, createdAt }))).toEqual([
        { userAgent: expect.stringContaining("Firefox"), current: false, lastUsedAt: new Date(start - 60_000), createdAt: new Date(start - 3 * DAY) },
        { userAgent: expect.stringContaining("Android"), current: true, lastUsedAt: new Date(start - 2 * DAY), createdAt: new Date(start - 2 * DAY) },
      ]);
      expect(JSON.stringify(list)).not.toContain(phone.token);
      expect(JSON.stringify(list)).not.toMatch(/tokenHash/);
      // without this browser's token (or with someone else's) nothing is marked
      expect((await listTrustedDevices(handle.db, user.id, undefined, deps.clock.now())).some((d) => d.current)).toBe(false);
      expect((await listTrustedDevices(handle.db, other.user.id, phone.token, deps.clock.now())).some((d) => d.current)).toBe(false);
    });

    it("a member revokes one of their own devices: it stops skipping the code, the others keep working, and it is an audit event", async () => {
      const { user, phone } = await createEnrolledUser(deps);
      const a = await trustDevice(handle.db, { userId: user.id, userAgent: "a", now: deps.clock.now() }, deps.options);
      const b = await trustDevice(handle.db, { userId: user.id, userAgent: "b", now: deps.clock.now() }, deps.options);
      const idOf = async (token: string) => (await listTrustedDevices(handle.db, user.id, token, deps.clock.now())).find((d) => d.current)!.id;
      const aId = await idOf(a.token);
      expect(await revokeOwnTrustedDevice(deps, { userId: user.id, deviceId: aId, request: testRequest() })).toBe(true);
      expect(await afterPassword(user.id, a.token)).toMatchObject({ next: "second_factor", pending: { stage: "challenge" } });
      expect(deps.sms.messagesTo(phone).length).toBe(2);
      expect(await afterPassword(user.id, b.token)).toMatchObject({ next: "session" });
      // revoking it again changes nothing
      expect(await revokeOwnTrustedDevice(deps, { userId: user.id, deviceId: aId, request: testRequest() })).toBe(false);
      expect((await auditEventsAbout(handle.db, user.id)).filter((e) => e.type === "two_factor.trusted_device_revoked")).toHaveLength(1);
    });

    it("a member cannot revoke another user's device, even knowing its id", async () => {
      const alice = await createEnrolledUser(deps);
      const bob = await createEnrolledUser(deps);
      const bobs = await trustDevice(handle.db, { userId: bob.user.id, userAgent: "bob's", now: deps.clock.now() }, deps.options);
      const bobsId = (await listTrustedDevices(handle.db, bob.user.id, bobs.token, deps.clock.now()))[0]!.id;
      expect(await revokeOwnTrustedDevice(deps, { userId: alice.user.id, deviceId: bobsId, request: testRequest() })).toBe(false);
      expect(await recognizeTrustedDevice(handle.db, bob.user.id, bobs.token, deps.clock.now())).toBe(true);
      expect(await listTrustedDevices(handle.db, bob.user.id, undefined, deps.clock.now())).toHaveLength(1);
      expect((await auditEventsAbout(handle.db, alice.user.id)).filter((e) => e.type === "two_factor.trusted_device_revoked")).toEqual([]);
      expect(await revokeOwnTrustedDevice(deps, { userId: alice.user.id, deviceId: crypto.randomUUID(), request: testRequest() })).toBe(false);
    });
  });
});
