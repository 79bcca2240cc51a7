import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { verifyAccessToken, type AccessTokenDeps } from "@/lib/oauth/access-token";
import { challengeFor, wwwAuthenticate } from "@/lib/oauth/bearer-challenge";

const ISSUER = "https://connect.example/oauth";
const API = "https://connect.example/api/v1";
const NOW = new Date("2026-12-07T10:00:00Z");
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const { privateKey: otherKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const live = new Set(["grant-hash-1"]);

const deps = (now = NOW): AccessTokenDeps => ({
  clock: { now: () => now },
  publicKey,
  issuer: ISSUER,
  audience: API,
  grantIsLive: async (hash) => live.has(hash),
});

const CLAIMS = { sub: "user-1", client_id: "connect-ios", scope: "api", amr: ["pwd", "sms"], org: "org-1", gid: "grant-hash-1" };

async function token(overrides: { claims?: Record<string, unknown>; typ?: string; key?: typeof privateKey; iss?: string; aud?: string; iat?: Date; ttl?: number } = {}) {
  const iat = Math.floor((overrides.iat ?? NOW).getTime() / 1000);
  return new SignJWT({ ...CLAIMS, ...overrides.claims })
    .setProtectedHeader({ alg: "ES256", typ: overrides.typ ?? "at+jwt" })
    .setIssuer(overrides.iss ?? ISSUER)
    .setAudience(overrides.aud ?? API)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (overrides.ttl ?? 900))
    .sign(overrides.key ?? privateKey);
}

describe("the API's bearer token check", () => {
  it("accepts the provider's token and says who calls, how they signed in, and for which organization", async () => {
    expect(await verifyAccessToken(deps(), `Bearer ${await token()}`)).toEqual({
      ok: true,
      caller: { userId: "user-1", organizationId: "org-1", amr: ["pwd", "sms"], clientId: "connect-ios", scopes: ["api"], expiresAt: new Date(NOW.getTime() + 900_000) },
    });
  });

  it("says when the sign-in was (auth_time, in ms) when the token carries it", async () => {
    const check = await verifyAccessToken(deps(), `Bearer ${await token({ claims: { auth_time: 1_796_637_000 } })}`);
    expect(check.ok && check.caller.authTimeMs).toBe(1_796_637_000_000);
  });

  it("the scheme's case does not matter (RFC 9110 §11.1)", async () => {
    expect((await verifyAccessToken(deps(), `bearer ${await token()}`)).ok).toBe(true);
    expect((await verifyAccessToken(deps(), `BEARER ${await token()}`)).ok).toBe(true);
  });

  it("no header is MISSING; another scheme or a malformed value is MALFORMED", async () => {
    expect(await verifyAccessToken(deps(), null)).toEqual({ ok: false, reason: "MISSING" });
    for (const header of [`Basic ${await token()}`, "Bearer", "Bearer  x", `bearer ${await token()} extra`, "Bearer a b"]) {
      expect(await verifyAccessToken(deps(), header)).toEqual({ ok: false, reason: "MALFORMED" });
    }
  });

  it("a token of another issuer, audience, type or key, or with a changed character, is INVALID", async () => {
    const variants = [
      await token({ iss: "https://evil.example/oauth" }),
      await token({ aud: "https://connect.example/api/v2" }),
      await token({ typ: "JWT" }),
      await token({ key: otherKey }),
      await token({ claims: { amr: "pwd" } }),
      await token({ claims: { gid: undefined } }),
      await token({ claims: { auth_time: "1765100000" } }),
    ];
    for (const variant of variants) expect(await verifyAccessToken(deps(), `Bearer ${variant}`)).toEqual({ ok: false, reason: "INVALID" });
    const good = await token();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.length - 1 }), fc.constantFrom(..."ABCabc012-_"), async (at, c) => {
        fc.pre(good[at] !== c && good[at] !== ".");
        const changed = `${good.slice(0, at)}${c}${good.slice(at + 1)}`;
        const check = await verifyAccessToken(deps(), `Bearer ${changed}`);
        // A changed last character can leave the same signature bytes (base64url padding bits).
        if (check.ok) expect(at).toBe(good.length - 1);
        else expect(check.reason).toBe("INVALID");
      }),
      { numRuns: 200 },
    );
  });

  it("a token is EXPIRED from its expiry on the injected clock", async () => {
    const issued = await token();
    expect((await verifyAccessToken(deps(new Date(NOW.getTime() + 899_000)), `Bearer ${issued}`)).ok).toBe(true);
    expect(await verifyAccessToken(deps(new Date(NOW.getTime() + 900_000)), `Bearer ${issued}`)).toEqual({ ok: false, reason: "EXPIRED" });
  });

  it("a token whose grant was revoked is REVOKED, before its expiry", async () => {
    expect(await verifyAccessToken(deps(), `Bearer ${await token({ claims: { gid: "grant-hash-gone" } })}`)).toEqual({ ok: false, reason: "REVOKED" });
  });
});

describe("the 401's WWW-Authenticate (RFC 6750 §3, RFC 9470)", () => {
  it("names no error when no token was sent, invalid_token for a bad one, insufficient_user_authentication for a missing second factor", () => {
    expect(wwwAuthenticate(challengeFor("MISSING"))).toBe('Bearer realm="connect"');
    expect(wwwAuthenticate(challengeFor("EXPIRED"))).toBe('Bearer realm="connect", error="invalid_token", error_description="The access token has expired."');
    expect(wwwAuthenticate({ kind: "insufficient-user-authentication", description: 'A second factor is "required"' })).toBe(
      'Bearer realm="connect", error="insufficient_user_authentication", error_description="A second factor is required"',
    );
  });
});
