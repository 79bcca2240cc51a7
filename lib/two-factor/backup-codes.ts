import { randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { and, count, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { backupCodes } from "../db/schema";

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
export async function replaceBackupCodes(db: Db, userId: string, howMany: number, now: Date): Promise<string[]> {
  const codes = Array.from({ length: howMany }, generateBackupCode);
  const hashes = await Promise.all(codes.map((code) => hash(code, BACKUP_CODE_HASH_OPTIONS)));
  await db.delete(backupCodes).where(eq(backupCodes.userId, userId));
  await db.insert(backupCodes).values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
  return codes;
}

/**
 * Uses one backup code. The match is by argon2 verification against the unused codes; the use
 * is a conditional UPDATE, so one code signs in once even when submitted many times at once.
 */
export async function consumeBackupCode(db: Db, userId: string, input: string, now: Date): Promise<boolean> {
  const code = normalizeBackupCode(input);
  const unused = await db
    .select({ id: backupCodes.id, codeHash: backupCodes.codeHash })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  if (!code) return false;
  for (const row of unused) {
    if (!(await verify(row.codeHash, code).catch(() => false))) continue;
    const [used] = await db
      .update(backupCodes)
      .set({ usedAt: now })
      .where(and(eq(backupCodes.id, row.id), isNull(backupCodes.usedAt)))
      .returning({ id: backupCodes.id });
    return Boolean(used);
  }
  return false;
}

export async function countUnusedBackupCodes(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  return row?.n ?? 0;
}
