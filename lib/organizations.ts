import { and, eq } from "drizzle-orm";
import { recordAuditEvent } from "./audit";
import type { Db } from "./db/client";
import { organizations } from "./db/schema";
import type { RequestInfo } from "./http/client-ip";

export async function getOrganization(db: Db, organizationId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  return org ?? null;
}

/**
 * Sets "Require two-factor authentication for all members" and records who changed it.
 * The audit event is written in the same transaction, so a change is never unrecorded.
 */
export async function setOrganizationRequiresTwoFactor(
  db: Db,
  input: { organizationId: string; actorUserId: string; required: boolean; request: RequestInfo | null; now: Date },
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(organizations)
      .set({
        requireTwoFactor: input.required,
        requireTwoFactorChangedBy: input.actorUserId,
        requireTwoFactorChangedAt: input.now,
      })
      .where(and(eq(organizations.id, input.organizationId), eq(organizations.requireTwoFactor, !input.required)))
      .returning({ id: organizations.id });
    if (updated.length === 0) return { changed: false };
    await recordAuditEvent(tx as unknown as Db, {
      type: "organization.require_two_factor_changed",
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      request: input.request,
      details: { required: input.required },
      at: input.now,
    });
    return { changed: true };
  });
}
