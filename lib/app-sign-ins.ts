// A member's signed-in apps as the Security page shows them (issue 19 §2): each live grant with the
// registered app's name, and "Revoke", which signs that app out at once (its refresh tokens and
// access tokens stop) and is recorded in the activity log.
import { and, eq } from "drizzle-orm";
import { recordAuditEvent } from "./audit";
import type { Db } from "./db/client";
import type { RequestInfo } from "./http/client-ip";
import { parseOAuthClientsJson, type OAuthClient } from "./oauth/clients";
import { listAppSignIns, revokeAppSignIn } from "./oauth/grants";
import { oauthArtifacts } from "./oauth/schema";
import { organizationIdOf } from "./users";

export interface SignedInApp {
  /** The grant's id as stored (hashed): what "Revoke" posts back; it redeems nothing. */
  grantId: string;
  appName: string;
  signedInAt: Date;
  expiresAt: Date | null;
}

/** The registered apps (OAUTH_CLIENTS), or null when OAuth is off: the page then has no apps section. */
export function registeredApps(env: Readonly<Record<string, string | undefined>> = process.env): readonly OAuthClient[] | null {
  const parsed = parseOAuthClientsJson(env.OAUTH_CLIENTS);
  return parsed.ok && parsed.clients.length > 0 ? parsed.clients : null;
}

const appNameOf = (clients: readonly OAuthClient[], clientId: string) => clients.find((client) => client.clientId === clientId)?.name ?? clientId;

/** The member's live app sign-ins, newest first, each named as its app is registered. */
export async function listSignedInApps(db: Db, input: { userId: string; clients: readonly OAuthClient[]; now: Date }): Promise<SignedInApp[]> {
  const grants = await listAppSignIns(db, input.userId, input.now);
  return grants.map((grant) => ({ grantId: grant.grantIdHash, appName: appNameOf(input.clients, grant.clientId), signedInAt: grant.signedInAt, expiresAt: grant.expiresAt }));
}

/**
 * Signs one of the member's apps out (its grant and every code and token under it) and records
 * `oauth.app_revoked`; false when that grant is not the member's, or is already gone: another
 * member's id, guessed or copied, changes nothing.
 */
export async function revokeSignedInApp(
  db: Db,
  input: { userId: string; grantId: string; clients: readonly OAuthClient[]; request: RequestInfo; now: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [grant] = await tx
      .select({ payload: oauthArtifacts.payload })
      .from(oauthArtifacts)
      .where(and(eq(oauthArtifacts.model, "Grant"), eq(oauthArtifacts.idHash, input.grantId), eq(oauthArtifacts.accountId, input.userId)))
      .limit(1);
    if (!grant || !(await revokeAppSignIn(tx, input.userId, input.grantId))) return false;
    const clientId = typeof grant.payload.clientId === "string" ? grant.payload.clientId : "";
    await recordAuditEvent(tx, {
      type: "oauth.app_revoked",
      organizationId: await organizationIdOf(tx, input.userId),
      actorUserId: input.userId,
      subjectUserId: input.userId,
      request: input.request,
      details: { clientId, name: appNameOf(input.clients, clientId) },
      at: input.now,
    });
    return true;
  });
}
