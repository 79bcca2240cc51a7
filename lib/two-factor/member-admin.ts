import { and, eq } from "drizzle-orm";
import { recordAuditEvent } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { memberships, type Role } from "../db/schema";
import { twoFactorUsers } from "./schema";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { removeUserSecondFactor } from "./second-factor-removal";
import { revokeTrustedDevices } from "./trusted-devices";

export interface Actor {
  userId: string;
  organizationId: string;
  role: Role;
}

type AdminFailure = Failure<"NOT_FOUND" | "FORBIDDEN">;

/** Admins act on members; only the owner acts on the owner or on admins; nobody on themselves here. */
export function mayActOn(actor: Role, target: Role): boolean {
  if (actor === "owner") return true;
  return actor === "admin" && target === "member";
}

/** The target, only if they belong to the actor's organization: another organization's member is "not found". */
async function targetInOrganization(db: DbOrTx, actor: Actor, targetUserId: string) {
  const [target] = await db
    .select({ userId: memberships.userId, role: memberships.role, email: twoFactorUsers.email })
    .from(memberships)
    .innerJoin(twoFactorUsers, eq(twoFactorUsers.id, memberships.userId))
    .where(and(eq(memberships.userId, targetUserId), eq(memberships.organizationId, actor.organizationId)))
    .limit(1);
  return target ?? null;
}

async function authorize(db: DbOrTx, actor: Actor, targetUserId: string) {
  if (actor.role === "member") return failure("FORBIDDEN");
  const target = await targetInOrganization(db, actor, targetUserId);
  if (!target || target.userId === actor.userId) return failure("NOT_FOUND");
  if (!mayActOn(actor.role, target.role)) return failure("FORBIDDEN");
  return { ok: true as const, target };
}

/**
 * Resets a member's two-step authentication (`removeUserSecondFactor`, their sessions ending too); if
 * their organization requires 2FA they set it up again at their next sign-in.
 */
export async function resetMemberTwoFactor(
  db: Db,
  input: { actor: Actor; targetUserId: string; request: RequestInfo | null; now: Date },
): Promise<{ ok: true; email: string } | AdminFailure> {
  return db.transaction(async (t) => {
    const allowed = await authorize(t, input.actor, input.targetUserId);
    if (!allowed.ok) return allowed;
    const { actor, now } = input;
    await removeUserSecondFactor(t, input.targetUserId, { by: "admin", actorUserId: actor.userId, organizationId: actor.organizationId, request: input.request, now });
    return { ok: true as const, email: allowed.target.email };
  });
}

/** Ends every trusted device of a member: their next sign-in asks for the second factor again. */
export async function revokeMemberTrustedDevices(
  db: Db,
  input: { actor: Actor; targetUserId: string; request: RequestInfo | null; now: Date },
): Promise<{ ok: true; email: string; revoked: number } | AdminFailure> {
  return db.transaction(async (t) => {
    const allowed = await authorize(t, input.actor, input.targetUserId);
    if (!allowed.ok) return allowed;
    const revoked = await revokeTrustedDevices(t, input.targetUserId, input.now);
    await recordAuditEvent(t, {
      type: "two_factor.trusted_devices_revoked",
      organizationId: input.actor.organizationId,
      actorUserId: input.actor.userId,
      subjectUserId: input.targetUserId,
      request: input.request,
      details: { revoked },
      at: input.now,
    });
    return { ok: true as const, email: allowed.target.email, revoked };
  });
}
