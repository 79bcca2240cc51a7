import { eq } from "drizzle-orm";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import { voidLiveCodes } from "./code-consumption";
import type { PolicySource } from "./policy";
import { authenticatorApps, backupCodes, passkeyChallenges, passkeys, twoFactorUsers } from "./schema";
import { revokeTrustedDevices } from "./trusted-devices";

/** Who takes the second factor away: the user on their Security page, or an admin of their organization. */
export type SecondFactorRemover =
  | { by: "self"; organizationId: string | null; request: RequestInfo | null }
  | { by: "admin"; actorUserId: string; organizationId: string; request: RequestInfo | null };

const EVENT = { self: "two_factor.disabled", admin: "two_factor.reset_by_admin" } as const;

/**
 * Takes a user's second factor away, in the caller's transaction (`db`): the phone, the
 * authenticator app, the passkeys (and their requests), the backup codes, the live codes and the trusted devices are gone, the run of failures and any lock end
 * with them, and every pending sign-in begun before `now` ends. Recorded as the remover's own event.
 * An admin's reset also ends the user's sessions (the host's `endSessions`, in the same
 * transaction); the user turning it off keeps the session they are using (they proved their
 * second factor in it moments ago).
 */
export async function removeUserSecondFactor({ db, host }: PolicySource, userId: string, input: SecondFactorRemover & { now: Date }): Promise<void> {
  const { now } = input;
  await db
    .update(twoFactorUsers)
    .set({
      phoneE164: null,
      phoneVerifiedAt: null,
      twoFactorEnabledAt: null,
      twoFactorSelfEnabled: false,
      preferredSecondFactor: null,
      secondFactorFailures: 0,
      secondFactorLockedUntil: null,
      pendingSignInsValidAfter: now,
    })
    .where(eq(twoFactorUsers.id, userId));
  if (input.by === "admin") await host.endSessions(db, { userId, before: now });
  await db.delete(backupCodes).where(eq(backupCodes.userId, userId));
  await db.delete(authenticatorApps).where(eq(authenticatorApps.userId, userId));
  await db.delete(passkeys).where(eq(passkeys.userId, userId));
  await db.delete(passkeyChallenges).where(eq(passkeyChallenges.userId, userId));
  await voidLiveCodes(db, userId, now);
  await revokeTrustedDevices(db, userId, now);
  await recordTwoFactorEvent(db, {
    type: EVENT[input.by],
    organizationId: input.organizationId,
    actorUserId: input.by === "admin" ? input.actorUserId : userId,
    subjectUserId: userId,
    request: input.request,
    at: now,
  });
}
