import { eq, sql } from "drizzle-orm";
import type { AnyPgTable } from "drizzle-orm/pg-core";
import type { TwoFactorDb } from "./db";
import { authenticatorApps, passkeys, twoFactorUsers } from "./schema";
import type { PendingSignIn } from "./pending-sign-in";

/**
 * Whether a pending sign-in still stands. A password reset, an admin's 2FA reset, a phone change
 * and turning 2FA off end every pending sign-in begun before them (`endPendingSignIns`, in the
 * change's own transaction), as the first two end sessions; and the
 * setup stage only stands while the user still has no second factor: once they have one (set up
 * in another browser, say), replacing it is the Security page's change-phone flow, never setup's.
 * After "Verify Phone" the setup stage carries the ticket its own verification issued, and stands.
 * The secure_setup stage stands only while the user has no secure method (an authenticator app
 * or a passkey), and, for a new member who proved no second factor, only while they have none at
 * all: adding a second method is the Security page's, behind a session and a recent second factor.
 */
export type PendingStanding = "stands" | "ended";

export interface StandingFacts {
  pendingSignInsValidAfter: Date | null;
  enrolled: boolean;
  /** A confirmed authenticator app or a passkey. */
  secureMethod: boolean;
}

export function standingOf(pending: Pick<PendingSignIn, "createdAt" | "stage" | "ticket" | "proved">, user: StandingFacts | null): PendingStanding {
  if (!user) return "ended";
  if (user.pendingSignInsValidAfter && pending.createdAt < user.pendingSignInsValidAfter.getTime()) return "ended";
  if (pending.stage === "setup" && !pending.ticket && user.enrolled) return "ended";
  if (pending.stage === "secure_setup" && !pending.ticket && (user.secureMethod || (!pending.proved && user.enrolled))) return "ended";
  return "stands";
}

// Qualified by hand: in a select's fields drizzle writes a column without its table, and inside
// the subquery an unqualified "id" would be the app's or passkey's own.
const col = (table: AnyPgTable, column: { name: string }) => sql`${table}.${sql.identifier(column.name)}`;
const hasConfirmedApp = sql`exists (select 1 from ${authenticatorApps} where ${col(authenticatorApps, authenticatorApps.userId)} = ${col(twoFactorUsers, twoFactorUsers.id)} and ${col(authenticatorApps, authenticatorApps.confirmedAt)} is not null)`;
const hasPasskey = sql`exists (select 1 from ${passkeys} where ${col(passkeys, passkeys.userId)} = ${col(twoFactorUsers, twoFactorUsers.id)})`;

/** The user's columns a standing is judged from, for any read that needs it. */
export const standingColumns = {
  pendingSignInsValidAfter: twoFactorUsers.pendingSignInsValidAfter,
  // Any second factor: a verified phone, a confirmed authenticator app or a passkey (index lookups).
  enrolled: sql<boolean>`((${col(twoFactorUsers, twoFactorUsers.phoneE164)} is not null and ${col(twoFactorUsers, twoFactorUsers.phoneVerifiedAt)} is not null) or ${hasConfirmedApp} or ${hasPasskey})`,
  secureMethod: sql<boolean>`(${hasConfirmedApp} or ${hasPasskey})`,
};

/** The standing of a pending sign-in, read from its user's row; `forUpdate` holds the row until the transaction ends. */
export async function loadPendingStanding(
  db: TwoFactorDb,
  pending: Pick<PendingSignIn, "userId" | "createdAt" | "stage" | "ticket" | "proved">,
  options: { forUpdate?: boolean } = {},
): Promise<PendingStanding> {
  const query = db
    .select(standingColumns)
    .from(twoFactorUsers)
    .where(eq(twoFactorUsers.id, pending.userId))
    .limit(1);
  const [row] = options.forUpdate ? await query.for("update") : await query;
  return standingOf(pending, row ?? null);
}

/** Ends every pending sign-in of the user begun before `now` (run it in the change's own transaction). */
export async function endPendingSignIns(db: TwoFactorDb, userId: string, now: Date): Promise<void> {
  await db.update(twoFactorUsers).set({ pendingSignInsValidAfter: now }).where(eq(twoFactorUsers.id, userId));
}
