import { eq } from "drizzle-orm";
import type { TwoFactorDb } from "./db";
import { failure, type Failure } from "../errors";
import { loadSecondFactorState, type PolicySource, type SecondFactorMethods, type SecondFactorState } from "./policy";
import { twoFactorUsers, type PreferredSecondFactor } from "./schema";

/** Why a method may not be removed now. */
export type MethodRemovalRefusal = Failure<"LAST_METHOD_REQUIRED" | "LAST_METHOD">;

/** The user's methods once `method` is gone (one passkey of several leaves the others). */
export function methodsWithout(methods: SecondFactorMethods, method: PreferredSecondFactor): SecondFactorMethods {
  if (method === "passkey") return { ...methods, passkeys: Math.max(methods.passkeys - 1, 0) };
  return { ...methods, [method]: false };
}

const hasAnyMethod = (methods: SecondFactorMethods) => methods.sms || methods.authenticator || methods.passkeys > 0;

/**
 * The one rule for taking a method away (SMS, the authenticator app, a passkey): never the last
 * one. While two-step authentication is required of the user (by the organization, or turned on
 * by themselves) it is refused outright; where the user may turn it off, "Turn off two-step
 * authentication" is the way (it takes the backup codes and trusted devices with it), not a removal
 * that would leave backup codes without a method. null: the removal may go ahead.
 */
export function refuseRemovingLastMethod(
  state: Pick<SecondFactorState, "methods" | "requiredByOrganization" | "selfEnabled" | "required">,
  method: PreferredSecondFactor,
): MethodRemovalRefusal | null {
  if (hasAnyMethod(methodsWithout(state.methods, method))) return null;
  return state.requiredByOrganization ? failure("LAST_METHOD_REQUIRED") : failure("LAST_METHOD");
}

/**
 * The user's state for a removal, read with their row locked until the caller's transaction ends:
 * removals of two methods at once are judged one after the other, so together they never take the last.
 */
export async function loadStateForRemoval({ db, host }: PolicySource & { db: TwoFactorDb }, userId: string, now: Date): Promise<SecondFactorState | null> {
  await db.select({ id: twoFactorUsers.id }).from(twoFactorUsers).where(eq(twoFactorUsers.id, userId)).for("update");
  return loadSecondFactorState({ db, host }, userId, now);
}
