import { and, eq, gt, isNull } from "drizzle-orm";
import { randomToken, sha256 } from "../crypto";
import type { Db } from "../db/client";
import { signInTickets } from "../db/schema";

/** Authentication methods, as in RFC 8176 (amr). */
export type AuthMethod = "pwd" | "sms" | "backup_code" | "trusted_device";

/** @default 60_000; setup uses longer so the user can store the backup codes first. */
export const TICKET_TTL_MS = 60_000;

/**
 * A ticket is what the sign-in steps hand to next-auth once every required factor is done.
 * It never leaves the server; only its hash is stored.
 */
export async function issueSignInTicket(
  db: Db,
  userId: string,
  amr: AuthMethod[],
  now: Date,
  ttlMs = TICKET_TTL_MS,
): Promise<string> {
  const ticket = randomToken();
  await db.insert(signInTickets).values({
    userId,
    tokenHash: sha256(ticket),
    amr,
    expiresAt: new Date(now.getTime() + ttlMs),
  });
  return ticket;
}

/** Single use: the conditional UPDATE lets only one caller consume a ticket. */
export async function consumeSignInTicket(db: Db, ticket: string, now: Date) {
  const [row] = await db
    .update(signInTickets)
    .set({ consumedAt: now })
    .where(
      and(eq(signInTickets.tokenHash, sha256(ticket)), isNull(signInTickets.consumedAt), gt(signInTickets.expiresAt, now)),
    )
    .returning({ userId: signInTickets.userId, amr: signInTickets.amr });
  return row ?? null;
}
