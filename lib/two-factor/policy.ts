import { eq } from "drizzle-orm";
import type { TwoFactorDb } from "./db";
import type { TwoFactorHost } from "./host";
import { twoFactorUsers } from "./schema";

export interface SecondFactorState {
  userId: string;
  email: string;
  organizationId: string | null;
  /** the organization requires 2FA, or the user turned it on for their own account */
  required: boolean;
  requiredByOrganization: boolean;
  /** Required by the organization, not set up yet, and still within the grace period: may skip. */
  inGracePeriod: boolean;
  graceUntil: Date | null;
  selfEnabled: boolean;
  /** a verified phone exists: the user can be challenged; otherwise they must set up */
  enrolled: boolean;
  phoneE164: string | null;
  lockedUntil: Date | null;
}

/** What reading a user's second-factor state takes: the database (or transaction) and the host's answers. */
export interface PolicySource {
  db: TwoFactorDb;
  host: TwoFactorHost;
}

/**
 * Read at every password sign-in, so an admin's change reaches members at their next sign-in.
 * Lifting the organization's requirement leaves 2FA only for users who turned it on themselves.
 * The user's row and the host's policy are asked together (on a transaction's one connection
 * they simply queue).
 */
export async function loadSecondFactorState({ db, host }: PolicySource, userId: string, now = new Date()): Promise<SecondFactorState | null> {
  const [[row], policy] = await Promise.all([
    db
      .select({
        userId: twoFactorUsers.id,
        email: twoFactorUsers.email,
        phoneE164: twoFactorUsers.phoneE164,
        phoneVerifiedAt: twoFactorUsers.phoneVerifiedAt,
        selfEnabled: twoFactorUsers.twoFactorSelfEnabled,
        lockedUntil: twoFactorUsers.secondFactorLockedUntil,
      })
      .from(twoFactorUsers)
      .where(eq(twoFactorUsers.id, userId))
      .limit(1),
    host.organizationPolicy(db, userId),
  ]);
  if (!row) return null;
  const requiredByOrganization = policy.requireTwoFactor;
  const enrolled = Boolean(row.phoneE164 && row.phoneVerifiedAt);
  const graceUntil = requiredByOrganization ? policy.graceUntil : null;
  const inGracePeriod = Boolean(graceUntil && graceUntil > now && !enrolled);
  return {
    userId: row.userId,
    email: row.email,
    organizationId: policy.organizationId,
    required: (requiredByOrganization && !inGracePeriod) || row.selfEnabled,
    requiredByOrganization,
    inGracePeriod,
    graceUntil,
    selfEnabled: row.selfEnabled,
    enrolled,
    phoneE164: enrolled ? row.phoneE164 : null,
    lockedUntil: row.lockedUntil,
  };
}
