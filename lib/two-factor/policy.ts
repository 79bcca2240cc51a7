import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { memberships, organizations, users } from "../db/schema";

export interface SecondFactorState {
  userId: string;
  email: string;
  organizationId: string | null;
  /** the organization requires 2FA, or the user turned it on for their own account */
  required: boolean;
  requiredByOrganization: boolean;
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
export async function loadSecondFactorState(db: Db, userId: string): Promise<SecondFactorState | null> {
  const [row] = await db
    .select({
      userId: users.id,
      email: users.email,
      phoneE164: users.phoneE164,
      phoneVerifiedAt: users.phoneVerifiedAt,
      selfEnabled: users.twoFactorSelfEnabled,
      lockedUntil: users.secondFactorLockedUntil,
      organizationId: memberships.organizationId,
      requiredByOrganization: organizations.requireTwoFactor,
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(users.id, userId))
    .limit(1);
  if (!row) return null;
  const requiredByOrganization = row.requiredByOrganization ?? false;
  const enrolled = Boolean(row.phoneE164 && row.phoneVerifiedAt);
  return {
    userId: row.userId,
    email: row.email,
    organizationId: row.organizationId ?? null,
    required: requiredByOrganization || row.selfEnabled,
    requiredByOrganization,
    selfEnabled: row.selfEnabled,
    enrolled,
    phoneE164: enrolled ? row.phoneE164 : null,
    lockedUntil: row.lockedUntil,
  };
}
