import { and, eq, ne, or, sql } from "drizzle-orm";
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
  input: {
    organizationId: string;
    actorUserId: string;
    required: boolean;
    /** Days members without 2FA may still skip it (1-30); absent = at their next sign-in. */
    graceDays?: number | null;
    request: RequestInfo | null;
    now: Date;
  },
): Promise<{ changed: boolean }> {
  const graceUntil =
    input.required && input.graceDays ? new Date(input.now.getTime() + input.graceDays * 86_400_000) : null;
  return db.transaction(async (tx) => {
    // A change of the grace period alone counts as a change too.
    const updated = await tx
      .update(organizations)
      .set({
        requireTwoFactor: input.required,
        twoFactorGraceUntil: graceUntil,
        requireTwoFactorChangedBy: input.actorUserId,
        requireTwoFactorChangedAt: input.now,
      })
      .where(
        and(
          eq(organizations.id, input.organizationId),
          or(
            ne(organizations.requireTwoFactor, input.required),
            sql`${organizations.twoFactorGraceUntil} is distinct from ${graceUntil?.toISOString() ?? null}::timestamptz`,
          ),
        ),
      )
      .returning({ id: organizations.id });
    if (updated.length === 0) return { changed: false };
    await recordAuditEvent(tx as unknown as Db, {
      type: "organization.require_two_factor_changed",
      organizationId: input.organizationId,
      actorUserId: input.actorUserId,
      request: input.request,
      details: { required: input.required, graceUntil: graceUntil?.toISOString() ?? null },
      at: input.now,
    });
    return { changed: true };
  });
}
