import { and, desc, eq, gt, isNull, ne } from "drizzle-orm";
import { randomToken, sha256 } from "../crypto";
import type { TwoFactorDb } from "./db";
import { trustedDevices } from "./schema";
import type { TwoFactorOptions } from "./options";

/**
 * Remembers this browser for the user: returns the 256-bit token for the cookie; only its hash is
 * stored. Past the per-user maximum the least recently used devices are revoked.
 */
export async function trustDevice(
  db: TwoFactorDb,
  input: { userId: string; userAgent: string | null; now: Date },
  options: Pick<TwoFactorOptions, "trustedDeviceTtlMs" | "maxTrustedDevicesPerUser">,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(input.now.getTime() + options.trustedDeviceTtlMs);
  const [created] = await db.insert(trustedDevices).values({
    userId: input.userId,
    tokenHash: sha256(token),
    userAgent: input.userAgent,
    createdAt: input.now,
    lastUsedAt: input.now,
    expiresAt,
  }).returning({ id: trustedDevices.id });
  const others = await db
    .select({ id: trustedDevices.id })
    .from(trustedDevices)
    .where(and(activeFor(input.userId, input.now), ne(trustedDevices.id, created!.id)))
    .orderBy(desc(trustedDevices.lastUsedAt), desc(trustedDevices.createdAt));
  // The device just trusted is never the one evicted.
  for (const stale of others.slice(options.maxTrustedDevicesPerUser - 1)) {
    await db.update(trustedDevices).set({ revokedAt: input.now }).where(eq(trustedDevices.id, stale.id));
  }
  return { token, expiresAt };
}

/** True only for a live, unrevoked device issued to this very user; notes its last use. */
export async function recognizeTrustedDevice(db: TwoFactorDb, userId: string, token: string | undefined, now: Date): Promise<boolean> {
  if (!token || token.length > 128) return false;
  const [used] = await db
    .update(trustedDevices)
    .set({ lastUsedAt: now })
    .where(and(eq(trustedDevices.tokenHash, sha256(token)), activeFor(userId, now)))
    .returning({ id: trustedDevices.id });
  return Boolean(used);
}

export async function revokeTrustedDevices(db: TwoFactorDb, userId: string, now: Date): Promise<number> {
  const revoked = await db
    .update(trustedDevices)
    .set({ revokedAt: now })
    .where(activeFor(userId, now))
    .returning({ id: trustedDevices.id });
  return revoked.length;
}

function activeFor(userId: string, now: Date) {
  return and(eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt), gt(trustedDevices.expiresAt, now));
}

/** The user's live trusted devices, most recently used first; `current` marks this browser's. */
export async function listTrustedDevices(db: TwoFactorDb, userId: string, currentToken: string | undefined, now: Date) {
  const currentHash = currentToken ? sha256(currentToken) : null;
  const rows = await db
    .select({
      id: trustedDevices.id,
      tokenHash: trustedDevices.tokenHash,
      userAgent: trustedDevices.userAgent,
      createdAt: trustedDevices.createdAt,
      lastUsedAt: trustedDevices.lastUsedAt,
      expiresAt: trustedDevices.expiresAt,
    })
    .from(trustedDevices)
    .where(activeFor(userId, now))
    .orderBy(desc(trustedDevices.lastUsedAt));
  return rows.map(({ tokenHash, ...row }) => ({ ...row, current: tokenHash === currentHash }));
}

/** Revokes one device, only if it is this user's. */
export async function revokeTrustedDevice(db: TwoFactorDb, userId: string, deviceId: string, now: Date): Promise<boolean> {
  const revoked = await db
    .update(trustedDevices)
    .set({ revokedAt: now })
    .where(and(eq(trustedDevices.id, deviceId), eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt)))
    .returning({ id: trustedDevices.id });
  return revoked.length > 0;
}
