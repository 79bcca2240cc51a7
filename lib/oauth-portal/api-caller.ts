// Who calls the API (issue 19 §3), checked on the server at every request like every page: a live
// access token (signature, issuer, audience, expiry, its grant not revoked), then the one rule an
// app's sign-in is held to today (sign-in-rule.ts), so a token minted before the organization
// required a second factor stops working at once, not when its 15 minutes run out.
import { systemClock, type Clock } from "../clock";
import type { Db } from "../db/client";
import { verifyAccessToken, type AccessTokenDeps } from "../oauth/access-token";
import { challengeFor, type BearerChallenge } from "../oauth/bearer-challenge";
import { isGrantLive } from "../oauth/artifacts";
import { portalOAuth } from "./provider";
import { appSignInVerdict, type AppSignInRefusal } from "./sign-in-rule";

export interface ApiDeps {
  db: Db;
  clock: Clock;
  tokens: AccessTokenDeps;
}

/** The member behind a request, as the token and today's rule say. */
export interface ApiMember {
  userId: string;
  /** The member's organization now (not as it was when the token was minted). */
  organizationId: string | null;
  amr: readonly string[];
  clientId: string;
}

export type ApiCallerCheck = { ok: true; member: ApiMember } | { ok: false; challenge: BearerChallenge };

/** Why a good token no longer carries its sign-in, in words the app can show the member. */
const INSUFFICIENT: Record<Extract<AppSignInRefusal, "SECOND_FACTOR_REQUIRED" | "SECURE_METHOD_REQUIRED">, string> = {
  SECOND_FACTOR_REQUIRED: "Your organization now requires two-factor authentication. Sign in again with your second factor.",
  SECURE_METHOD_REQUIRED: "Your organization now accepts only an authenticator app or a passkey. Sign in again with one of them.",
};

function challengeForRefusal(reason: AppSignInRefusal): BearerChallenge {
  if (reason === "SECOND_FACTOR_REQUIRED" || reason === "SECURE_METHOD_REQUIRED") {
    return { kind: "insufficient-user-authentication", description: INSUFFICIENT[reason] };
  }
  // The account is gone, or signed out everywhere since (a password or 2FA reset): the token is dead.
  return challengeFor("REVOKED");
}

export async function checkApiCaller(deps: ApiDeps, authorization: string | null): Promise<ApiCallerCheck> {
  const token = await verifyAccessToken(deps.tokens, authorization);
  if (!token.ok) return { ok: false, challenge: challengeFor(token.reason) };
  const { userId, amr, authTimeMs, clientId } = token.caller;
  const verdict = await appSignInVerdict(deps.db, { userId, amr, authTimeMs }, deps.clock.now());
  if (!verdict.ok) return { ok: false, challenge: challengeForRefusal(verdict.reason) };
  return { ok: true, member: { userId, organizationId: verdict.organizationId, amr, clientId } };
}

/** The API's deps from the portal's provider (its key, issuer and database), or null when no app is registered. */
export async function portalApiDeps(): Promise<ApiDeps | null> {
  const oauth = await portalOAuth();
  if (!oauth) return null;
  const store = { db: oauth.db, clock: systemClock };
  return {
    db: oauth.db,
    clock: systemClock,
    tokens: {
      clock: systemClock,
      publicKey: oauth.publicKey,
      issuer: oauth.settings.issuer,
      audience: oauth.settings.apiResource,
      grantIsLive: (grantHash) => isGrantLive(store, grantHash),
    },
  };
}
