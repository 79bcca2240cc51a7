import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { memberships, organizations } from "../db/schema";
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

/**
 * Read at every password sign-in, so an admin's change reaches members at their next sign-in.
 * Lifting the organization's requirement leaves 2FA only for users who turned it on themselves.
 */
export async function loadSecondFactorState(db: DbOrTx, userId: string, now = new Date()): Promise<SecondFactorState | null> {
  const [row] = await db
    .select({
      userId: twoFactorUsers.id,
      email: twoFactorUsers.email,
      phoneE164: twoFactorUsers.phoneE164,
      phoneVerifiedAt: twoFactorUsers.phoneVerifiedAt,
      selfEnabled: twoFactorUsers.twoFactorSelfEnabled,
      lockedUntil: twoFactorUsers.secondFactorLockedUntil,
      organizationId: memberships.organizationId,
      requiredByOrganization: organizations.requireTwoFactor,
      graceUntil: organizations.twoFactorGraceUntil,
    })
    .from(twoFactorUsers)
    .leftJoin(memberships, eq(memberships.userId, twoFactorUsers.id))
    .leftJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(twoFactorUsers.id, userId))
    .limit(1);
  if (!row) return null;
  const requiredByOrganization = row.requiredByOrganization ?? false;
  const enrolled = Boolean(row.phoneE164 && row.phoneVerifiedAt);
  const graceUntil = requiredByOrganization ? (row.graceUntil ?? null) : null;
  const inGracePeriod = Boolean(graceUntil && graceUntil > now && !enrolled);
  return {
    userId: row.userId,
    email: row.email,
    organizationId: row.organizationId ?? null,
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
