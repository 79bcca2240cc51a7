import { randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { and, count, eq, isNull } from "drizzle-orm";
import type { TwoFactorDb } from "./db";
import { backupCodes } from "./schema";

// Crockford base32: no I, L, O, U, so a code read aloud or handwritten stays unambiguous.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_CHARS = 12; // 12 x 5 bits = 60 bits

/**
 * A backup code has 60 random bits, so it cannot be guessed offline even with a light argon2id;
 * these parameters keep checking 10 codes fast. Stated in the README.
 */
export const BACKUP_CODE_HASH_OPTIONS = { memoryCost: 4_096, timeCost: 1, parallelism: 1 } as const;

export function generateBackupCode(): string {
  let raw = "";
  for (let i = 0; i < CODE_CHARS; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/** Forgives case, spaces and dashes, and the look-alikes O/I/L. Null when it cannot be a code. */
export function normalizeBackupCode(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 64) return null;
  // Letters, digits, spaces and dashes only: no unicode look-alikes or control characters.
  if (!/^[A-Za-z0-9\s-]*$/.test(input)) return null;
  const cleaned = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (cleaned.length !== CODE_CHARS || ![...cleaned].every((c) => ALPHABET.includes(c))) return null;
  return `${cleaned.slice(0, 4)}-${cleaned.slice(4, 8)}-${cleaned.slice(8)}`;
}

/** Replaces the user's set: the old codes stop working in the same transaction. */
export async function replaceBackupCodes(db: TwoFactorDb, userId: string, howMany: number, now: Date): Promise<string[]> {
  const codes = Array.from({ length: howMany }, generateBackupCode);
  const hashes = await Promise.all(codes.map((code) => hash(code, BACKUP_CODE_HASH_OPTIONS)));
  await db.delete(backupCodes).where(eq(backupCodes.userId, userId));
  await db.insert(backupCodes).values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
  return codes;
}

/**
 * Finds which of the user's backup codes this is, used or not, by argon2 verification against
 * every code of the set: a code typed twice is known as the user's own, and the work done does
 * not tell how many codes are left. Null when it is none of them.
 */
export async function matchBackupCode(db: TwoFactorDb, userId: string, input: string): Promise<{ id: string; used: boolean } | null> {
  const code = normalizeBackupCode(input);
  const rows = await db
    .select({ id: backupCodes.id, codeHash: backupCodes.codeHash, usedAt: backupCodes.usedAt })
    .from(backupCodes)
    .where(eq(backupCodes.userId, userId));
  if (!code) return null;
  for (const row of rows) {
    if (await verify(row.codeHash, code).catch(() => false)) return { id: row.id, used: row.usedAt !== null };
  }
  return null;
}

/** Marks a matched code used: a conditional UPDATE, so a code is used once however often it is sent. */
export async function markBackupCodeUsed(db: TwoFactorDb, codeId: string, now: Date): Promise<boolean> {
  const [used] = await db
    .update(backupCodes)
    .set({ usedAt: now })
    .where(and(eq(backupCodes.id, codeId), isNull(backupCodes.usedAt)))
    .returning({ id: backupCodes.id });
  return Boolean(used);
}

export async function countUnusedBackupCodes(db: TwoFactorDb, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  return row?.n ?? 0;
}
