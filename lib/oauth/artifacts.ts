// The oauth_artifacts table's queries outside oidc-provider's adapter (provider-store.ts): the
// Security page's revoke, the API's grant check and the housekeeping sweep. Nothing here imports
// oidc-provider, so the portal loads it only when an app is registered (oauth-portal/provider.ts).
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Clock } from "../clock";
import { deleteInBatches, SWEEP_BATCH_SIZE } from "../two-factor/batch-delete";
import { oauthArtifacts } from "./schema";

export type OAuthDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export interface ArtifactDeps {
  db: OAuthDb;
  clock: Clock;
}

/** Deletes a grant and everything issued under it, in one statement (also for a user's "Revoke" on the Security page). */
export async function revokeFamily(db: OAuthDb, grantIdHash: string): Promise<void> {
  await db
    .delete(oauthArtifacts)
    .where(or(eq(oauthArtifacts.grantIdHash, grantIdHash), and(eq(oauthArtifacts.model, "Grant"), eq(oauthArtifacts.idHash, grantIdHash))));
}

/** Whether a grant (by its hashed id, an access token's `gid`) still exists: not revoked, not expired. */
export async function isGrantLive(deps: ArtifactDeps, grantHash: string): Promise<boolean> {
  const [row] = await deps.db
    .select({ model: oauthArtifacts.model })
    .from(oauthArtifacts)
    .where(and(eq(oauthArtifacts.model, "Grant"), eq(oauthArtifacts.idHash, grantHash), or(isNull(oauthArtifacts.expiresAt), gt(oauthArtifacts.expiresAt, deps.clock.now()))))
    .limit(1);
  return row !== undefined;
}

/**
 * Deletes rows past their expiry, which `find` no longer returns (the housekeeping sweep, lib/housekeeping.ts),
 * in batches that skip rows another transaction holds, as the portal's other tables are swept; returns how many.
 */
export async function sweepExpiredArtifacts(deps: ArtifactDeps, batchSize = SWEEP_BATCH_SIZE): Promise<number> {
  const now = deps.clock.now().toISOString();
  return deleteInBatches(deps.db, oauthArtifacts, sql`${oauthArtifacts.expiresAt} <= ${now}::timestamptz`, batchSize);
}
