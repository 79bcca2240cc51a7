import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { resetMemberTwoFactor } from "@/lib/two-factor/member-admin";
import { turnOffTwoFactor } from "@/lib/two-factor/self-service";
import { completeWithBackupCode, completeWithSmsCode } from "@/lib/two-factor/sign-in";
import { trustDevice, recognizeTrustedDevice } from "@/lib/two-factor/trusted-devices";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { auditEventsAbout, twoFactorSnapshot } from "../helpers/member-state";
import { enrollUser, makeDeps, startChallenge, type TestDeps } from "../helpers/two-factor";

// Turning one's own second factor off and an admin's reset take away the same things: what either
// removed, both remove. They differ only in who is recorded and in the sessions (an admin's reset ends
// them; the user turning it off keeps the one they are using).
const PATHS = [
  { path: "turning it off on the Security page", event: "two_factor.disabled", endsSessions: false },
  { path: "an admin's reset", event: "two_factor.reset_by_admin", endsSessions: true },
] as const;

describe.each(databaseTargets())("taking a user's second factor away on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  it.each(PATHS)(
    "$path removes the phone, backup codes, live codes, trusted devices, the run of failures and the lock, and ends the sign-ins in progress",
    async ({ path, event, endsSessions }) => {
      const org = await createOrganization(handle.db);
      const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
      const user = await createUser(handle.db, { organizationId: org.id, role: "member" });
      const { phone, backupCodes } = await enrollUser(deps, user, undefined, { selfEnabled: true });
      const device = await trustDevice(handle.db, { userId: user.id, userAgent: "vitest", now: deps.clock.now() }, deps.options);
      const { pending, code } = await startChallenge(deps, user, phone);
      const lockedUntil = new Date(deps.clock.now().getTime() + deps.options.lockoutMs);
      await handle.db.update(users).set({ secondFactorFailures: 3, secondFactorLockedUntil: lockedUntil }).where(eq(users.id, user.id));
      const before = await twoFactorSnapshot(handle.db, user.id, deps.clock.now());
      expect(before).toMatchObject({ phoneE164: phone, twoFactorSelfEnabled: true, secondFactorLockedUntil: lockedUntil, unusedBackupCodes: 10, liveTrustedDevices: 1, liveCodes: 1 });

      deps.clock.advance(60_000);
      const at = deps.clock.now();
      const done =
        path === "an admin's reset"
          ? await resetMemberTwoFactor(deps, { actor: { userId: admin.id, organizationId: org.id }, targetUserId: user.id, request: testRequest(), now: at })
          : await turnOffTwoFactor(deps, { userId: user.id, request: testRequest() });
      expect(done.ok).toBe(true);

      expect(await twoFactorSnapshot(handle.db, user.id, at)).toEqual({
        phoneE164: null,
        phoneVerifiedAt: null,
        twoFactorEnabledAt: null,
        twoFactorSelfEnabled: false,
        secondFactorFailures: 0,
        secondFactorLockedUntil: null,
        sessionsValidAfter: endsSessions ? at : before.sessionsValidAfter,
        unusedBackupCodes: 0,
        liveTrustedDevices: 0,
        liveCodes: 0,
      });
      // the sign-in begun before it ends, whichever factor it is finished with
      expect(await completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: false, code: "SIGN_IN_ENDED" });
      expect(await completeWithBackupCode(deps, { pending, code: backupCodes[0]!, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: false, code: "SIGN_IN_ENDED" });
      expect(await recognizeTrustedDevice(handle.db, user.id, device.token, at)).toBe(false);

      const recorded = (await auditEventsAbout(handle.db, user.id)).filter((e) => e.type === "two_factor.disabled" || e.type === "two_factor.reset_by_admin");
      expect(recorded).toMatchObject([
        { type: event, subjectUserId: user.id, actorUserId: endsSessions ? admin.id : user.id, organizationId: org.id, createdAt: at },
      ]);
    },
  );
});
