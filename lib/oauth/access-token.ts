// The API's check of a bearer token (RFC 6750; JWT access tokens, RFC 9068): signature (ES256, the
// provider's key), type at+jwt, issuer, audience (the API resource), expiry on the injected clock,
// and that its grant (refresh-token family) still exists, so a revoked family stops working at
// once rather than when its 15 minutes run out. Failures are values; the caller answers 401 with
// the challenge from bearer-challenge.ts.
import { errors as joseErrors, jwtVerify, type JWTPayload, type KeyObject } from "jose";
import type { Clock } from "../clock";

export interface AccessTokenDeps {
  clock: Clock;
  /** The provider's public signing key. */
  publicKey: KeyObject | CryptoKey;
  issuer: string;
  /** The API's resource indicator, the tokens' audience. */
  audience: string;
  /** Whether the grant (hashed id, the token's `gid`) still exists: provider-store.ts isGrantLive. */
  grantIsLive(grantHash: string): Promise<boolean>;
}

export interface ApiCaller {
  userId: string;
  organizationId: string | null;
  /** How the member signed in (RFC 8176 values): the API decides whether a second factor was used. */
  amr: readonly string[];
  /** When the member signed in through the browser (ms since the epoch; the token's auth_time), if it says. */
  authTimeMs: number | undefined;
  clientId: string;
  scopes: readonly string[];
  expiresAt: Date;
}

export type AccessTokenRefusal = "MISSING" | "MALFORMED" | "INVALID" | "EXPIRED" | "REVOKED";
export type AccessTokenCheck = { ok: true; caller: ApiCaller } | { ok: false; reason: AccessTokenRefusal };

/** The token of an `Authorization: Bearer …` header (RFC 6750 §2.1; the scheme's case does not matter, RFC 9110 §11.1), or null. */
export function bearerTokenOf(authorization: string | null | undefined): string | null {
  const match = /^[Bb][Ee][Aa][Rr][Ee][Rr] ([A-Za-z0-9\-._~+/]+=*)$/.exec(authorization ?? "");
  return match ? match[1]! : null;
}

export async function verifyAccessToken(deps: AccessTokenDeps, authorization: string | null | undefined): Promise<AccessTokenCheck> {
  if (!authorization) return { ok: false, reason: "MISSING" };
  const token = bearerTokenOf(authorization);
  if (!token) return { ok: false, reason: "MALFORMED" };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, deps.publicKey, {
      algorithms: ["ES256"],
      typ: "at+jwt",
      issuer: deps.issuer,
      audience: deps.audience,
      currentDate: deps.clock.now(),
      requiredClaims: ["sub", "exp", "iat", "client_id", "gid"],
    }));
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? "EXPIRED" : "INVALID" };
  }
  const caller = callerOf(payload);
  if (!caller) return { ok: false, reason: "INVALID" };
  if (!(await deps.grantIsLive(payload.gid as string))) return { ok: false, reason: "REVOKED" };
  return { ok: true, caller };
}

function callerOf(payload: JWTPayload): ApiCaller | null {
  const { sub, exp, client_id: clientId, scope, amr, org, auth_time: authTime } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== "string" || typeof exp !== "number" || typeof clientId !== "string") return null;
  if (!Array.isArray(amr) || !amr.every((value) => typeof value === "string")) return null;
  if (org !== null && typeof org !== "string") return null;
  if (authTime !== undefined && typeof authTime !== "number") return null;
  return {
    userId: sub,
    organizationId: org,
    amr,
    authTimeMs: typeof authTime === "number" ? authTime * 1000 : undefined,
    clientId,
    scopes: typeof scope === "string" ? scope.split(" ").filter(Boolean) : [],
    expiresAt: new Date(exp * 1000),
  };
}
