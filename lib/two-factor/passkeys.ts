import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import type { TwoFactorDb } from "./db";
import { loadStateForRemoval, refuseRemovingLastMethod, type MethodRemovalRefusal } from "./method-removal";
import type { TwoFactorDeps } from "./options";
import { passkeys, twoFactorUsers } from "./schema";

/** What a member names a passkey: trimmed, 1 to 60 characters. */
export const PASSKEY_NAME_MAX = 60;
export const PASSKEY_NAME_RULE = `Name it with 1 to ${PASSKEY_NAME_MAX} characters, like “Work laptop” or “Blue security key”.`;

export const passkeyNameField = z
  .string({ error: PASSKEY_NAME_RULE })
  .transform((name) => name.trim())
  .pipe(z.string().min(1, PASSKEY_NAME_RULE).max(PASSKEY_NAME_MAX, PASSKEY_NAME_RULE));

/** A passkey as the Security page lists it: never its key or credential id. */
export interface PasskeySummary {
  id: string;
  name: string;
  /** "singleDevice": a security key or a key kept on one device; "multiDevice": synced between the member's devices. */
  deviceType: string;
  addedAt: Date;
  lastUsedAt: Date | null;
}

/** The user's passkeys, oldest first. */
export async function listPasskeys(db: TwoFactorDb, userId: string): Promise<PasskeySummary[]> {
  return db
    .select({ id: passkeys.id, name: passkeys.name, deviceType: passkeys.deviceType, addedAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id));
}

/** Whether the user has a passkey to sign in with. */
export async function hasPasskey(db: TwoFactorDb, userId: string): Promise<boolean> {
  const [row] = await db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, userId)).limit(1);
  return Boolean(row);
}

type Input = { userId: string; passkeyId: string; request: RequestInfo | null };

async function auditOf(deps: TwoFactorDeps, db: TwoFactorDb, input: Input) {
  const { organizationId } = await deps.host.organizationPolicy(db, input.userId);
  return { organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: deps.clock.now() };
}

/** Renames one of the user's own passkeys; NO_PASSKEY when it is not theirs (or gone). */
export function renamePasskey(deps: TwoFactorDeps, input: Input & { name: string }): Promise<{ ok: true } | Failure<"NO_PASSKEY">> {
  return deps.db.transaction(async (db) => {
    const renamed = await db
      .update(passkeys)
      .set({ name: input.name })
      .where(and(eq(passkeys.id, input.passkeyId), eq(passkeys.userId, input.userId)))
      .returning({ id: passkeys.id });
    if (renamed.length === 0) return failure("NO_PASSKEY");
    await recordTwoFactorEvent(db, { ...(await auditOf(deps, db, input)), type: "two_factor.passkey_renamed", details: { name: input.name } });
    return { ok: true as const };
  });
}

/**
 * Removes one of the user's own passkeys (it signs in no more), only while another method remains
 * (`refuseRemovingLastMethod`, judged with the user's row locked); NO_PASSKEY when it is not theirs
 * or already gone. `email` and `name`: for the member's notice.
 */
export function removePasskey(
  deps: TwoFactorDeps,
  input: Input,
): Promise<{ ok: true; email: string; name: string } | Failure<"NO_PASSKEY"> | MethodRemovalRefusal> {
  return deps.db.transaction(async (db) => {
    const state = await loadStateForRemoval({ db, host: deps.host }, input.userId, deps.clock.now());
    if (!state) throw new Error("user vanished while removing a passkey");
    const refused = state.methods.passkeys > 0 ? refuseRemovingLastMethod(state, "passkey") : null;
    if (refused) return refused;
    const [removed] = await db
      .delete(passkeys)
      .where(and(eq(passkeys.id, input.passkeyId), eq(passkeys.userId, input.userId)))
      .returning({ name: passkeys.name });
    if (!removed) return failure("NO_PASSKEY");
    const [user] = await db.select({ email: twoFactorUsers.email }).from(twoFactorUsers).where(eq(twoFactorUsers.id, input.userId)).limit(1);
    if (!user) throw new Error("user vanished while removing a passkey");
    await recordTwoFactorEvent(db, { ...(await auditOf(deps, db, input)), type: "two_factor.passkey_removed", details: { name: removed.name } });
    return { ok: true as const, email: user.email, name: removed.name };
  });
}
