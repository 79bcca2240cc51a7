import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { TwoFactorDb } from "./db";
import type { AllowedMethods, OrganizationPolicy, TwoFactorHost } from "./host";
import { authenticatorApps, passkeys, twoFactorUsers, type PreferredSecondFactor } from "./schema";

/** The second factors a user has set up (a backup code is a fallback, not a method of its own). */
export interface SecondFactorMethods {
  /** A verified phone. */
  sms: boolean;
  /** A confirmed authenticator app. */
  authenticator: boolean;
  /** How many passkeys or security keys. */
  passkeys: number;
}

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
  /** Some second factor is set up (SMS, an authenticator app or a passkey): the user can be challenged; otherwise they must set up. */
  enrolled: boolean;
  methods: SecondFactorMethods;
  /** The method the user made preferred, if they still have it. */
  preferred: PreferredSecondFactor | null;
  /** What the user's organization accepts ("any" outside an organization). */
  allowedMethods: AllowedMethods;
  /** While "secure": when members with only SMS stop being let in with it (null: already). */
  secureMethodsGraceUntil: Date | null;
  /** The verified phone (null when SMS is not set up). */
  phoneE164: string | null;
  lockedUntil: Date | null;
}

/** What reading a user's second-factor state takes: the database (or transaction) and the host's answers. */
export interface PolicySource {
  db: TwoFactorDb;
  host: TwoFactorHost;
}

/** Whether the user still has the method they made preferred. */
export function hasMethod(methods: SecondFactorMethods, method: PreferredSecondFactor): boolean {
  return method === "passkey" ? methods.passkeys > 0 : methods[method];
}

// One row: the user's columns and two index lookups (authenticator_apps_user_confirmed_idx, passkeys_user_idx).
const hasApp = sql<boolean>`exists (select 1 from ${authenticatorApps} where ${and(eq(authenticatorApps.userId, twoFactorUsers.id), isNotNull(authenticatorApps.confirmedAt))})`;
const passkeyCount = sql<number>`(select count(*)::int from ${passkeys} where ${eq(passkeys.userId, twoFactorUsers.id)})`;

/** What the organization's policy says of methods: "any" outside one; a grace for SMS only while "secure". */
export function methodPolicyOf(policy: OrganizationPolicy): Pick<SecondFactorState, "allowedMethods" | "secureMethodsGraceUntil"> {
  const allowedMethods = policy.allowedMethods ?? "any";
  return { allowedMethods, secureMethodsGraceUntil: allowedMethods === "secure" ? (policy.secureMethodsGraceUntil ?? null) : null };
}

/**
 * Read at every password sign-in, so an admin's change reaches members at their next sign-in.
 * Lifting the organization's requirement leaves 2FA only for users who turned it on themselves.
 * The user's row and the host's policy are asked together (on a transaction's one connection
 * they simply queue); `policy` is the host's answer when the caller has just read it.
 */
export async function loadSecondFactorState(
  { db, host }: PolicySource,
  userId: string,
  now = new Date(),
  policy?: OrganizationPolicy,
): Promise<SecondFactorState | null> {
  const [[row], organization] = await Promise.all([
    db
      .select({
        userId: twoFactorUsers.id,
        email: twoFactorUsers.email,
        phoneE164: twoFactorUsers.phoneE164,
        phoneVerifiedAt: twoFactorUsers.phoneVerifiedAt,
        selfEnabled: twoFactorUsers.twoFactorSelfEnabled,
        lockedUntil: twoFactorUsers.secondFactorLockedUntil,
        preferred: twoFactorUsers.preferredSecondFactor,
        hasApp,
        passkeyCount,
      })
      .from(twoFactorUsers)
      .where(eq(twoFactorUsers.id, userId))
      .limit(1),
    policy ?? host.organizationPolicy(db, userId),
  ]);
  if (!row) return null;
  const requiredByOrganization = organization.requireTwoFactor;
  const methods: SecondFactorMethods = {
    sms: Boolean(row.phoneE164 && row.phoneVerifiedAt),
    authenticator: Boolean(row.hasApp),
    passkeys: Number(row.passkeyCount ?? 0),
  };
  const enrolled = methods.sms || methods.authenticator || methods.passkeys > 0;
  const graceUntil = requiredByOrganization ? organization.graceUntil : null;
  const inGracePeriod = Boolean(graceUntil && graceUntil > now && !enrolled);
  return {
    userId: row.userId,
    email: row.email,
    organizationId: organization.organizationId,
    required: (requiredByOrganization && !inGracePeriod) || row.selfEnabled,
    requiredByOrganization,
    inGracePeriod,
    graceUntil,
    selfEnabled: row.selfEnabled,
    enrolled,
    methods,
    preferred: row.preferred && hasMethod(methods, row.preferred) ? row.preferred : null,
    ...methodPolicyOf(organization),
    phoneE164: methods.sms ? row.phoneE164 : null,
    lockedUntil: row.lockedUntil,
  };
}
