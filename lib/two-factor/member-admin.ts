import { eq } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import type { OrganizationRole } from "./host";
import type { PolicySource } from "./policy";
import { twoFactorUsers } from "./schema";
import { removeUserSecondFactor } from "./second-factor-removal";
import { revokeTrustedDevices } from "./trusted-devices";

/** Who acts: a user, in the organization they administer. Their role there is the host's answer. */
export interface Actor {
  userId: string;
  organizationId: string;
}

type AdminFailure = Failure<"NOT_FOUND" | "FORBIDDEN">;
type AdminInput = { actor: Actor; targetUserId: string; request: RequestInfo | null; now: Date };

/** Admins act on members; only the owner acts on the owner or on admins; nobody on themselves here. */
export function mayActOn(actor: OrganizationRole, target: OrganizationRole): boolean {
  if (actor === "owner") return true;
  return actor === "admin" && target === "member";
}

/**
 * Both roles asked of the host on the step's transaction, so the decision and the change see the
 * same memberships. The target counts only in the actor's organization: another organization's
 * member is "not found", as is the actor themself.
 */
async function authorize({ db, host }: PolicySource, actor: Actor, targetUserId: string) {
  const actorRole = await host.roleIn(db, actor);
  if (actorRole !== "owner" && actorRole !== "admin") return failure("FORBIDDEN");
  if (targetUserId === actor.userId) return failure("NOT_FOUND");
  const targetRole = await host.roleIn(db, { userId: targetUserId, organizationId: actor.organizationId });
  if (!targetRole) return failure("NOT_FOUND");
  const [target] = await db.select({ email: twoFactorUsers.email }).from(twoFactorUsers).where(eq(twoFactorUsers.id, targetUserId)).limit(1);
  if (!target) return failure("NOT_FOUND");
  if (!mayActOn(actorRole, targetRole)) return failure("FORBIDDEN");
  return { ok: true as const, target };
}

/**
 * Resets a member's two-step authentication (`removeUserSecondFactor`, their sessions ending too); if
 * their organization requires 2FA they set it up again at their next sign-in.
 */
export async function resetMemberTwoFactor(deps: PolicySource, input: AdminInput): Promise<{ ok: true; email: string } | AdminFailure> {
  return deps.db.transaction(async (db) => {
    const step = { db, host: deps.host };
    const allowed = await authorize(step, input.actor, input.targetUserId);
    if (!allowed.ok) return allowed;
    const { actor, now } = input;
    await removeUserSecondFactor(step, input.targetUserId, { by: "admin", actorUserId: actor.userId, organizationId: actor.organizationId, request: input.request, now });
    return { ok: true as const, email: allowed.target.email };
  });
}

/** Ends every trusted device of a member: their next sign-in asks for the second factor again. */
export async function revokeMemberTrustedDevices(
  deps: PolicySource,
  input: AdminInput,
): Promise<{ ok: true; email: string; revoked: number } | AdminFailure> {
  return deps.db.transaction(async (db) => {
    const allowed = await authorize({ db, host: deps.host }, input.actor, input.targetUserId);
    if (!allowed.ok) return allowed;
    const revoked = await revokeTrustedDevices(db, input.targetUserId, input.now);
    await recordTwoFactorEvent(db, {
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
