import { and, eq, gt, isNull, notExists } from "drizzle-orm";
import { randomToken, sha256 } from "../crypto";
import type { TwoFactorDb } from "./db";
import { signInTickets, twoFactorUsers } from "./schema";
import type { AuthMethod } from "./auth-methods";

export type { AuthMethod, FirstFactor } from "./auth-methods";
export { isFirstFactor } from "./auth-methods";

/**
 * A session ticket carries a whole grant (every factor done); a first-factor ticket carries a
 * first factor done elsewhere (next-auth's callback) to the step that decides what follows. Neither
 * is accepted where the other is expected.
 */
export type TicketKind = "session" | "first_factor";

/**
 * What a completed sign-in hands to the host's session strategy (the portal's is
 * lib/auth/session-cookie.ts): whose session, and the methods used. Only the sign-in steps of
 * lib/two-factor produce one, once every required factor is done and committed.
 */
export interface SessionGrant {
  userId: string;
  amr: AuthMethod[];
}

/** @default 60_000; setup uses longer so the user can store the backup codes first. */
export const TICKET_TTL_MS = 60_000;

/**
 * A ticket carries a grant across requests: setup issues one when the phone is verified and the
 * session starts once the backup codes are stored. It never leaves the server (it travels sealed
 * in the pending sign-in cookie); only its hash is stored.
 */
export async function issueSignInTicket(
  db: TwoFactorDb,
  userId: string,
  amr: AuthMethod[],
  now: Date,
  ttlMs = TICKET_TTL_MS,
  kind: TicketKind = "session",
): Promise<string> {
  const ticket = randomToken();
  await db.insert(signInTickets).values({
    userId,
    kind,
    tokenHash: sha256(ticket),
    amr,
    issuedAt: now,
    expiresAt: new Date(now.getTime() + ttlMs),
  });
  return ticket;
}

/**
 * Single use: the conditional UPDATE lets only one caller consume a ticket, and only while nothing
 * has ended the user's pending sign-ins since it was issued (a password reset, a 2FA reset, a phone
 * change between "Verify Phone" and storing the backup codes).
 */
export async function consumeSignInTicket(db: TwoFactorDb, ticket: string, now: Date, kind: TicketKind = "session"): Promise<SessionGrant | null> {
  const endedSince = db
    .select({ id: twoFactorUsers.id })
    .from(twoFactorUsers)
    .where(and(eq(twoFactorUsers.id, signInTickets.userId), gt(twoFactorUsers.pendingSignInsValidAfter, signInTickets.issuedAt)));
  const [row] = await db
    .update(signInTickets)
    .set({ consumedAt: now })
    .where(
      and(
        eq(signInTickets.tokenHash, sha256(ticket)),
        eq(signInTickets.kind, kind),
        isNull(signInTickets.consumedAt),
        gt(signInTickets.expiresAt, now),
        notExists(endedSince),
      ),
    )
    .returning({ userId: signInTickets.userId, amr: signInTickets.amr });
  return row ? { userId: row.userId, amr: row.amr as AuthMethod[] } : null;
}
