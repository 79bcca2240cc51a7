// oidc-provider's storage adapter on PostgreSQL (PGlite alike): one row per model instance in
// oauth_artifacts, ids hashed at rest. Two race-safe writes matter for RFC 6749 §4.1.2 and
// OAuth 2.0 Security BCP §4.14:
// - consume() is a conditional UPDATE (consumed_at IS NULL). oidc-provider reads a code or refresh
//   token, checks `consumed`, then consumes: two requests carrying the same value can both pass
//   the read. The one whose UPDATE changes no row is a reuse: it revokes the grant's whole family
//   (the Grant row and every code and token under it) and answers invalid_grant.
// - revokeByGrantId() deletes a model's family in one statement; destroying the Grant row (which
//   oidc-provider does on a sequential reuse too) leaves any token saved later without its grant,
//   which every grant type refuses ("grant not found").
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { errors, type Adapter, type AdapterFactory, type AdapterPayload } from "oidc-provider";
import { sha256 } from "../crypto";
import { revokeFamily, type ArtifactDeps } from "./artifacts";
import { oauthArtifacts } from "./schema";

export type ProviderStoreDeps = ArtifactDeps;

/**
 * Models whose row keeps its own id in the payload: a Session is also looked up by its uid
 * (findByUid), and oidc-provider needs the session's id back from that lookup. Its value is the
 * provider's session cookie, which grants nothing here: every authorization goes through the
 * portal's interaction (provider-configuration.ts), never an existing provider session alone.
 */
const KEEPS_ID = new Set(["Session"]);

/** The adapter factory oidc-provider's `adapter` option takes. */
export function providerStore(deps: ProviderStoreDeps): AdapterFactory {
  return (model: string) => new ProviderStore(deps, model);
}

class ProviderStore implements Adapter {
  constructor(
    private readonly deps: ProviderStoreDeps,
    private readonly model: string,
  ) {}

  private key(id: string) {
    return and(eq(oauthArtifacts.model, this.model), eq(oauthArtifacts.idHash, sha256(id)));
  }

  private live() {
    return or(isNull(oauthArtifacts.expiresAt), gt(oauthArtifacts.expiresAt, this.deps.clock.now()));
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const { jti: _jti, consumed: _consumed, ...rest } = payload;
    const stored = KEEPS_ID.has(this.model) ? { ...rest, jti: id } : rest;
    const row = {
      payload: JSON.parse(JSON.stringify(stored)) as Record<string, unknown>,
      grantIdHash: typeof payload.grantId === "string" ? sha256(payload.grantId) : null,
      accountId: this.model === "Grant" && typeof payload.accountId === "string" ? payload.accountId : null,
      uidHash: this.model === "Session" && typeof payload.uid === "string" ? sha256(payload.uid) : null,
      expiresAt: typeof expiresIn === "number" ? new Date(this.deps.clock.now().getTime() + expiresIn * 1000) : null,
    };
    await this.deps.db
      .insert(oauthArtifacts)
      .values({ model: this.model, idHash: sha256(id), ...row })
      .onConflictDoUpdate({ target: [oauthArtifacts.model, oauthArtifacts.idHash], set: row });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.deps.db
      .select({ payload: oauthArtifacts.payload, consumedAt: oauthArtifacts.consumedAt })
      .from(oauthArtifacts)
      .where(and(this.key(id), this.live()))
      .limit(1);
    if (!row) return undefined;
    return {
      ...(row.payload as AdapterPayload),
      jti: id,
      ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}),
    };
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.deps.db
      .select({ payload: oauthArtifacts.payload })
      .from(oauthArtifacts)
      .where(and(eq(oauthArtifacts.model, this.model), eq(oauthArtifacts.uidHash, sha256(uid)), this.live()))
      .limit(1);
    return row ? (row.payload as AdapterPayload) : undefined;
  }

  /** The device flow (user codes) is not enabled. */
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const consumed = await this.deps.db
      .update(oauthArtifacts)
      .set({ consumedAt: this.deps.clock.now() })
      .where(and(this.key(id), isNull(oauthArtifacts.consumedAt)))
      .returning({ model: oauthArtifacts.model });
    if (consumed.length === 1) return;
    const [family] = await this.deps.db.select({ grantIdHash: oauthArtifacts.grantIdHash }).from(oauthArtifacts).where(this.key(id));
    if (family?.grantIdHash) await revokeFamily(this.deps.db, family.grantIdHash);
    throw new errors.InvalidGrant(`${this.model === "RefreshToken" ? "refresh token" : "authorization code"} already used`);
  }

  async destroy(id: string): Promise<void> {
    await this.deps.db.delete(oauthArtifacts).where(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.deps.db.delete(oauthArtifacts).where(and(eq(oauthArtifacts.model, this.model), eq(oauthArtifacts.grantIdHash, sha256(grantId))));
  }
}
