// A member's signed-in apps: each Grant is one sign-in of an app through the browser and its
// refresh-token family. The Security page lists them and revokes one; a password reset and an
// admin's 2FA reset revoke them all (issue 19 §2).
import { and, eq, gt, inArray, isNull, or } from "drizzle-orm";
import { oauthArtifacts } from "./schema";
import { revokeFamily, type OAuthDb } from "./artifacts";

export interface AppSignIn {
  /** The grant's id as stored (hashed): what a Revoke form posts back; it redeems nothing. */
  grantIdHash: string;
  clientId: string;
  signedInAt: Date;
  expiresAt: Date | null;
}

function liveAt(now: Date) {
  return or(isNull(oauthArtifacts.expiresAt), gt(oauthArtifacts.expiresAt, now));
}

/** The member's live app sign-ins, newest first. */
export async function listAppSignIns(db: OAuthDb, userId: string, now: Date): Promise<AppSignIn[]> {
  const rows = await db
    .select({ idHash: oauthArtifacts.idHash, payload: oauthArtifacts.payload, expiresAt: oauthArtifacts.expiresAt })
    .from(oauthArtifacts)
    .where(and(eq(oauthArtifacts.model, "Grant"), eq(oauthArtifacts.accountId, userId), liveAt(now)));
  return rows
    .map((row) => ({
      grantIdHash: row.idHash,
      clientId: typeof row.payload.clientId === "string" ? row.payload.clientId : "",
      signedInAt: new Date((typeof row.payload.iat === "number" ? row.payload.iat : 0) * 1000),
      expiresAt: row.expiresAt,
    }))
    .sort((a, b) => b.signedInAt.getTime() - a.signedInAt.getTime());
}

/** Revokes one of the member's app sign-ins (its grant and every token under it); false when it is not theirs or already gone. */
export async function revokeAppSignIn(db: OAuthDb, userId: string, grantIdHash: string): Promise<boolean> {
  // Only a grant of this member: another member's hash, guessed or copied, matches no row.
  const deleted = await db
    .delete(oauthArtifacts)
    .where(and(eq(oauthArtifacts.model, "Grant"), eq(oauthArtifacts.idHash, grantIdHash), eq(oauthArtifacts.accountId, userId)))
    .returning({ idHash: oauthArtifacts.idHash });
  if (deleted.length === 0) return false;
  await revokeFamily(db, grantIdHash);
  return true;
}

/** Revokes every app sign-in of the member (password reset, an admin's 2FA reset); returns how many. */
export async function revokeAllAppSignIns(db: OAuthDb, userId: string): Promise<number> {
  const grants = await db
    .delete(oauthArtifacts)
    .where(and(eq(oauthArtifacts.model, "Grant"), eq(oauthArtifacts.accountId, userId)))
    .returning({ idHash: oauthArtifacts.idHash });
  const hashes = grants.map((grant) => grant.idHash);
  if (hashes.length > 0) await db.delete(oauthArtifacts).where(inArray(oauthArtifacts.grantIdHash, hashes));
  return hashes.length;
}
