import { and, asc, count, eq, gt, isNull, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { auditEvents, backupCodes, smsChallenges, trustedDevices, users } from "@/lib/db/schema";

/** Everything a reset, a revoke or turning 2FA off may change for one user. */
export async function twoFactorSnapshot(db: Db, userId: string, now: Date) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new Error(`no user ${userId}`);
  const [codes] = await db.select({ n: count() }).from(backupCodes).where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  const [devices] = await db
    .select({ n: count() })
    .from(trustedDevices)
    .where(and(eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt), gt(trustedDevices.expiresAt, now)));
  const [challenges] = await db
    .select({ n: count() })
    .from(smsChallenges)
    .where(and(eq(smsChallenges.userId, userId), isNull(smsChallenges.consumedAt), isNull(smsChallenges.voidedAt), gt(smsChallenges.expiresAt, now)));
  return {
    phoneE164: user.phoneE164,
    phoneVerifiedAt: user.phoneVerifiedAt,
    twoFactorEnabledAt: user.twoFactorEnabledAt,
    twoFactorSelfEnabled: user.twoFactorSelfEnabled,
    secondFactorFailures: user.secondFactorFailures,
    secondFactorLockedUntil: user.secondFactorLockedUntil,
    sessionsValidAfter: user.sessionsValidAfter,
    unusedBackupCodes: codes?.n ?? 0,
    liveTrustedDevices: devices?.n ?? 0,
    liveCodes: challenges?.n ?? 0,
  };
}

/** Audit events that name the user as actor or subject, oldest first. */
export async function auditEventsAbout(db: Db, userId: string) {
  return db
    .select()
    .from(auditEvents)
    .where(or(eq(auditEvents.subjectUserId, userId), eq(auditEvents.actorUserId, userId)))
    .orderBy(asc(auditEvents.createdAt));
}
