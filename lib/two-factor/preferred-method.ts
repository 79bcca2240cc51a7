import { and, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import type { TwoFactorDeps } from "./options";
import { authenticatorApps, passkeys, twoFactorUsers, type PreferredSecondFactor } from "./schema";

/** Whether the user's row has the method, as a condition on that row (the same facts as `loadSecondFactorState`). */
const HAS_METHOD: Record<PreferredSecondFactor, SQL> = {
  sms: sql`(${twoFactorUsers.phoneE164} is not null and ${twoFactorUsers.phoneVerifiedAt} is not null)`,
  authenticator: sql`exists (select 1 from ${authenticatorApps} where ${and(eq(authenticatorApps.userId, twoFactorUsers.id), isNotNull(authenticatorApps.confirmedAt))})`,
  passkey: sql`exists (select 1 from ${passkeys} where ${eq(passkeys.userId, twoFactorUsers.id)})`,
};

/**
 * "Make preferred" on the Security page: the challenge and "Confirm it's you" open with `method`
 * from then on. Only a method the user has: one conditional UPDATE, so a method removed meanwhile
 * is never made preferred. It changes no factor, so no recent second factor is asked for.
 */
export function makePreferredMethod(
  deps: TwoFactorDeps,
  input: { userId: string; method: PreferredSecondFactor; request: RequestInfo | null },
): Promise<{ ok: true } | Failure<"METHOD_NOT_SET_UP">> {
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const [updated] = await db
      .update(twoFactorUsers)
      .set({ preferredSecondFactor: input.method })
      .where(and(eq(twoFactorUsers.id, input.userId), HAS_METHOD[input.method]))
      .returning({ id: twoFactorUsers.id });
    if (!updated) return failure("METHOD_NOT_SET_UP");
    await recordTwoFactorEvent(db, {
      type: "two_factor.preferred_method_changed",
      organizationId: (await deps.host.organizationPolicy(db, input.userId)).organizationId,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      at: now,
      details: { method: input.method },
    });
    return { ok: true as const };
  });
}

/** A removed method stops being the preferred one (a column update to spread into the removal's SET). */
export const forgetPreferred = (method: PreferredSecondFactor) => ({
  preferredSecondFactor: sql<PreferredSecondFactor | null>`case when ${twoFactorUsers.preferredSecondFactor} = ${method} then null else ${twoFactorUsers.preferredSecondFactor} end`,
});
