import { and, eq, isNotNull } from "drizzle-orm";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import { voidLiveCodes } from "./code-consumption";
import { loadStateForRemoval, refuseRemovingLastMethod, type MethodRemovalRefusal } from "./method-removal";
import type { TwoFactorDeps } from "./options";
import { maskPhone } from "./phone-number";
import { forgetPreferred } from "./preferred-method";
import { twoFactorUsers } from "./schema";

export type PhoneRemoval = { ok: true; email: string; phoneMasked: string } | MethodRemovalRefusal | Failure<"METHOD_NOT_SET_UP">;

/**
 * "Remove" beside SMS on the Security page: the verified phone is cleared, only while another
 * method remains (`refuseRemovingLastMethod`). As a phone change, the codes still live on it stop
 * working and every pending sign-in begun before now ends (it may have been waiting for a text).
 * The user's row is locked first, so a removal of their other method at the same moment waits.
 */
export function removePhone(deps: TwoFactorDeps, input: { userId: string; request: RequestInfo | null }): Promise<PhoneRemoval> {
  return deps.db.transaction(async (db) => {
    const now = deps.clock.now();
    const state = await loadStateForRemoval({ db, host: deps.host }, input.userId, now);
    if (!state?.methods.sms || !state.phoneE164) return failure("METHOD_NOT_SET_UP");
    const refused = refuseRemovingLastMethod(state, "sms");
    if (refused) return refused;
    await db
      .update(twoFactorUsers)
      .set({ phoneE164: null, phoneVerifiedAt: null, pendingSignInsValidAfter: now, ...forgetPreferred("sms") })
      .where(and(eq(twoFactorUsers.id, input.userId), isNotNull(twoFactorUsers.phoneVerifiedAt)));
    await voidLiveCodes(db, input.userId, now);
    const phoneMasked = maskPhone(state.phoneE164);
    await recordTwoFactorEvent(db, {
      type: "two_factor.phone_removed",
      organizationId: state.organizationId,
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      at: now,
      details: { phone: phoneMasked },
    });
    return { ok: true as const, email: state.email, phoneMasked };
  });
}
