import { eq } from "drizzle-orm";
import { recordAuditEvent } from "./audit";
import type { Db } from "./db/client";
import { organizations } from "./db/schema";
import { failure, type Failure } from "./errors";
import type { RequestInfo } from "./http/client-ip";
import type { AllowedMethods } from "./two-factor/host";

// "Allowed methods" in Account Settings (issue 18): any method, or secure methods only (an
// authenticator app or a passkey; SMS codes not accepted), with a grace period during which
// members who have only SMS still sign in with it.

export interface AllowedMethodsSetting {
  allowed: AllowedMethods;
  /** While "secure": until when SMS-only members may still use SMS (null: from their next sign-in). */
  graceUntil: Date | null;
}

export type AllowedMethodsChange = { ok: true; changed: false } | { ok: true; changed: true; from: AllowedMethodsSetting; to: AllowedMethodsSetting };

const same = (a: AllowedMethodsSetting, b: AllowedMethodsSetting) => a.allowed === b.allowed && (a.graceUntil?.getTime() ?? null) === (b.graceUntil?.getTime() ?? null);

/**
 * Sets the organization's allowed methods and records the change (from, to, grace) in one
 * transaction with the organization's row locked. Either way it changes what members may sign in
 * with, so it always needs the actor's second factor within the last 10 minutes (the caller's
 * check, as for the requirement); refused, nothing changes.
 */
export async function setOrganizationAllowedMethods(
  db: Db,
  input: {
    organizationId: string;
    actorUserId: string;
    allowed: AllowedMethods;
    /** Days SMS-only members may still use SMS (1-30); absent = from their next sign-in. */
    graceDays?: number | null;
    recentSecondFactor: boolean;
    request: RequestInfo | null;
    now: Date;
  },
): Promise<AllowedMethodsChange | Failure<"NOT_FOUND" | "RECENT_SECOND_FACTOR_REQUIRED">> {
  if (!input.recentSecondFactor) return failure("RECENT_SECOND_FACTOR_REQUIRED");
  const to: AllowedMethodsSetting = {
    allowed: input.allowed,
    graceUntil: input.allowed === "secure" && input.graceDays ? new Date(input.now.getTime() + input.graceDays * 86_400_000) : null,
  };
  return db.transaction(async (t) => {
    const [org] = await t
      .select({ allowed: organizations.twoFactorAllowedMethods, graceUntil: organizations.secureMethodsGraceUntil })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .for("update");
    if (!org) return failure("NOT_FOUND");
    const from: AllowedMethodsSetting = { allowed: org.allowed, graceUntil: org.allowed === "secure" ? org.graceUntil : null };
    if (same(from, to)) return { ok: true as const, changed: false as const };
    await t
      .update(organizations)
      .set({ twoFactorAllowedMethods: to.allowed, secureMethodsGraceUntil: to.graceUntil })
      .where(eq(organizations.id, input.organizationId));
    await recordAuditEvent(t, {
      type: "organization.allowed_methods_changed",
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      request: input.request,
      details: { from: from.allowed, to: to.allowed, graceUntil: to.graceUntil?.toISOString() ?? null },
      at: input.now,
    });
    return { ok: true as const, changed: true as const, from, to };
  });
}
