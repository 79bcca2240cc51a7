import { and, eq, or } from "drizzle-orm";
import { recordAuditEvent } from "./audit";
import type { Db } from "./db/client";
import { memberships, organizations, users } from "./db/schema";
import { failure, type Failure } from "./errors";
import type { RequestInfo } from "./http/client-ip";

export async function getOrganization(db: Db, organizationId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  return org ?? null;
}

/** "Require two-factor authentication for all members": off, on at the next sign-in, or on with members free to skip setup until `graceUntil`. */
export interface TwoFactorRequirement {
  required: boolean;
  graceUntil: Date | null;
}

/** From when every member is held to the requirement (ms), or null when it is off. A grace period that has ended holds from now. */
function enforcedFrom(setting: TwoFactorRequirement, now: Date): number | null {
  if (!setting.required) return null;
  return Math.max(setting.graceUntil?.getTime() ?? 0, now.getTime());
}

/**
 * Whether going from one setting to another at `now` lowers members' protection: lifting the
 * requirement, starting a grace period (where none is running), or making one end later.
 * Raising (requiring it, ending or shortening a grace period) does not.
 */
export function lowersProtection(from: TwoFactorRequirement, to: TwoFactorRequirement, now: Date): boolean {
  const before = enforcedFrom(from, now);
  if (before === null) return false;
  const after = enforcedFrom(to, now);
  return after === null || after > before;
}

const sameRequirement = (a: TwoFactorRequirement, b: TwoFactorRequirement) =>
  a.required === b.required && (a.graceUntil?.getTime() ?? null) === (b.graceUntil?.getTime() ?? null);

export type RequirementChange =
  | { ok: true; changed: false }
  | {
      ok: true;
      changed: true;
      from: TwoFactorRequirement;
      to: TwoFactorRequirement;
      /** Who made the change, and the organization's owners, to be emailed once it has committed. */
      actorEmail: string;
      ownerEmails: string[];
    };

/**
 * Sets "Require two-factor authentication for all members" and records who changed it, in one
 * transaction with its audit event. Lowering the protection (see `lowersProtection`) is refused
 * unless the caller says the actor completed a second factor within the last 10 minutes: a
 * session from a trusted device, or from before the requirement, must not let every member in
 * with a password.
 */
export async function setOrganizationRequiresTwoFactor(
  db: Db,
  input: {
    organizationId: string;
    actorUserId: string;
    required: boolean;
    /** Days members without 2FA may still skip it (1-30); absent = at their next sign-in. */
    graceDays?: number | null;
    /** The actor completed a second factor within the last 10 minutes (lib/two-factor/confirm.ts). */
    recentSecondFactor?: boolean;
    request: RequestInfo | null;
    now: Date;
  },
): Promise<RequirementChange | Failure<"NOT_FOUND" | "RECENT_SECOND_FACTOR_REQUIRED">> {
  const to: TwoFactorRequirement = {
    required: input.required,
    graceUntil: input.required && input.graceDays ? new Date(input.now.getTime() + input.graceDays * 86_400_000) : null,
  };
  return db.transaction(async (t) => {

    // Locked: the decision is about the setting this change replaces, not one a concurrent change replaced.
    const [org] = await t
      .select({ required: organizations.requireTwoFactor, graceUntil: organizations.twoFactorGraceUntil })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .for("update");
    if (!org) return failure("NOT_FOUND");
    const from: TwoFactorRequirement = { required: org.required, graceUntil: org.required ? org.graceUntil : null };
    if (lowersProtection(from, to, input.now) && input.recentSecondFactor !== true) return failure("RECENT_SECOND_FACTOR_REQUIRED");
    // A change of the grace period alone counts as a change too.
    if (sameRequirement(from, to)) return { ok: true as const, changed: false as const };
    await t
      .update(organizations)
      .set({
        requireTwoFactor: to.required,
        twoFactorGraceUntil: to.graceUntil,
        requireTwoFactorChangedBy: input.actorUserId,
        requireTwoFactorChangedAt: input.now,
      })
      .where(eq(organizations.id, input.organizationId));
    await recordAuditEvent(t, {
      type: "organization.require_two_factor_changed",
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      request: input.request,
      details: { required: to.required, graceUntil: to.graceUntil?.toISOString() ?? null },
      at: input.now,
    });
    const people = await t
      .select({ userId: users.id, email: users.email, role: memberships.role, organizationId: memberships.organizationId })
      .from(users)
      .leftJoin(memberships, eq(memberships.userId, users.id))
      .where(or(eq(users.id, input.actorUserId), and(eq(memberships.organizationId, input.organizationId), eq(memberships.role, "owner"))));
    return {
      ok: true as const,
      changed: true as const,
      from,
      to,
      actorEmail: people.find((p) => p.userId === input.actorUserId)?.email ?? "an unknown user",
      ownerEmails: people.filter((p) => p.role === "owner" && p.organizationId === input.organizationId).map((p) => p.email),
    };
  });
}
