import { generateKeyPairSync } from "node:crypto";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { decodeJwt, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as meRoute from "@/app/api/v1/me/route";
import * as securityRoute from "@/app/api/v1/security/route";
import { loadApiMe } from "@/lib/api/me";
import { loadApiSecuritySummary } from "@/lib/api/security-summary";
import { derivedSigningKey } from "@/lib/config/oauth";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import { organizations, users } from "@/lib/db/schema";
import { listAppSignIns, revokeAppSignIn } from "@/lib/oauth/grants";
import { isGrantLive } from "@/lib/oauth/artifacts";
import { portalApiDeps, type ApiDeps } from "@/lib/oauth-portal/api-caller";
import { apiRoute, type ApiResource } from "@/lib/oauth-portal/api-route";
import { twoFactorUsers } from "@/lib/two-factor/schema";
import { databaseTargets } from "../helpers/databases";
import { dbWithTransactionHooks } from "../helpers/faults";
import { createOrganization, createUser, testClock } from "../helpers/fixtures";
import { apiRequest, bearer, startPortalApi, type PortalApi } from "../helpers/portal-api";
import { enrollUser, makeDeps } from "../helpers/two-factor";

const HOUR = 60 * 60 * 1000;
const SECOND_FACTOR_REQUIRED = "Your organization now requires two-factor authentication. Sign in again with your second factor.";
const SECURE_METHOD_REQUIRED = "Your organization now accepts only an authenticator app or a passkey. Sign in again with one of them.";
const insufficient = (description: string) => `Bearer realm="connect", error="insufficient_user_authentication", error_description="${description}"`;

/** What Headers keeps of a header's value (surrounding spaces and tabs are not part of it). */
const asSent = (value: string) => new Headers({ authorization: value }).get("authorization")!;

describe.each(databaseTargets({ throughPooler: true }))("the API's security properties on $name", (target) => {
  let handle: DatabaseHandle;
  let api: PortalApi;

  beforeAll(async () => {
    handle = await target.open();
    api = await startPortalApi(handle);
  });
  afterAll(async () => {
    await api?.close();
    await handle?.close();
  });

  /** A member (of a new organization unless one is named) signed in since their last reset. */
  async function member(organizationId?: string) {
    const user = await createUser(handle.db, { organizationId: organizationId ?? (await createOrganization(handle.db)).id });
    await handle.db.update(users).set({ sessionsValidAfter: new Date(Date.now() - HOUR) }).where(eq(users.id, user.id));
    return user;
  }

  async function tokensFor(userId: string, amr: string[]) {
    const answer = await api.signIn({ accountId: userId, amr });
    expect(answer.status).toBe(200);
    return answer.body as { access_token: string; refresh_token: string; id_token?: string };
  }

  it("no request without a live token reaches the API, however the header is spelled (scheme case, spaces, two tokens, tampered, another issuer or audience, expired, revoked)", async () => {
    const user = await member();
    const live = (await tokensFor(user.id, ["pwd"])).access_token;
    const revokedTokens = await tokensFor(user.id, ["pwd"]);
    const grants = await listAppSignIns(handle.db, user.id, new Date());
    const revokedGrant = grants.find((grant) => grant.grantIdHash === (decodeJwt(revokedTokens.access_token).gid as string))!;
    expect(await revokeAppSignIn(handle.db, user.id, revokedGrant.grantIdHash)).toBe(true);

    const claims = decodeJwt(live);
    const portalKey = await importJWK(derivedSigningKey(api.secret) as JWK, "ES256");
    const { privateKey: strangerKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const now = Math.floor(Date.now() / 1000);
    const signed = (payload: JWTPayload, options: { typ?: string; key?: CryptoKey | Uint8Array | typeof strangerKey } = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg: "ES256", typ: options.typ ?? "at+jwt", kid: derivedSigningKey(api.secret).kid }).sign(options.key ?? portalKey);
    const [head, body, signature] = live.split(".") as [string, string, string];
    const reencoded = (payload: object) => Buffer.from(JSON.stringify(payload)).toString("base64url");
    const dead: Record<string, string> = {
      revoked: revokedTokens.access_token,
      expired: await signed({ ...claims, iat: now - 1000, exp: now - 100 }),
      otherAudience: await signed({ ...claims, aud: `${api.server.origin}/api/v2` }),
      otherIssuer: await signed({ ...claims, iss: "https://attacker.example/oauth" }),
      otherKey: await signed(claims, { key: strangerKey }),
      notAnAccessToken: await signed(claims, { typ: "JWT" }),
      moreMethodsClaimed: `${head}.${reencoded({ ...claims, amr: ["pwd", "sms"] })}.${signature}`,
      someoneElse: `${head}.${reencoded({ ...claims, sub: "another-user" })}.${signature}`,
      unsigned: `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${body}.`,
      signatureDropped: `${head}.${body}.`,
      refreshToken: revokedTokens.refresh_token,
      ...(revokedTokens.id_token ? { idToken: revokedTokens.id_token } : {}),
    };
    // The live token often enough that its right spellings are tried too (each run is one request).
    const tokenKind = fc.oneof(fc.constant("live"), fc.constantFrom(...Object.keys(dead)));
    const spelled = fc
      .record({
        lead: fc.constantFrom("", " ", "\t"),
        scheme: fc.oneof({ weight: 2, arbitrary: fc.constantFrom("Bearer", "bearer", "BEARER", "bEaReR") }, { weight: 1, arbitrary: fc.constantFrom("Basic", "Token", "DPoP", "Bearer:", "Bearer=", "") }),
        gap: fc.oneof({ weight: 2, arbitrary: fc.constant(" ") }, { weight: 1, arbitrary: fc.constantFrom("  ", "\t", "", ",", " \t") }),
        kind: tokenKind,
        tail: fc.oneof({ weight: 2, arbitrary: fc.constantFrom("", " ") }, { weight: 1, arbitrary: fc.constantFrom("x", ` ${live}`, `,${live}`, `, Bearer ${live}`, ` ${live.slice(0, 20)}`) }),
      })
      .map(({ lead, scheme, gap, kind, tail }) => `${lead}${scheme}${gap}${kind === "live" ? live : dead[kind]}${tail}`);
    const anyHeader = fc.oneof(spelled, spelled, fc.stringMatching(/^[ -~]{0,80}$/), fc.constant(null));

    const statuses = { 200: 0, 401: 0 } as Record<number, number>;
    const reached = vi.fn<ApiResource<{ ok: true }>>(async () => ({ ok: true }));
    const probe = apiRoute("probe", reached);
    await fc.assert(
      fc.asyncProperty(anyHeader, async (header) => {
        reached.mockClear();
        const response = await probe(apiRequest("/probe", header));
        const sent = header === null ? null : asSent(header);
        const exactlyLive = sent !== null && sent.length === live.length + 7 && sent.slice(0, 7).toLowerCase() === "bearer " && sent.slice(7) === live;
        expect(response.status).toBe(exactlyLive ? 200 : 401);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expect(reached).toHaveBeenCalledTimes(exactlyLive ? 1 : 0);
        if (!exactlyLive) {
          const challenge = response.headers.get("www-authenticate")!;
          expect(challenge).toMatch(sent ? /^Bearer realm="connect", error="invalid_token", error_description="[^"]+"$/ : /^Bearer realm="connect"$/);
          expect(await response.json()).toEqual({ error: sent ? "invalid_token" : "unauthorized", error_description: expect.any(String) });
        }
      }),
      { numRuns: 300 },
    );
    // both answers were tried: the right spellings of the live token do reach the resource
    expect(statuses[200]).toBeGreaterThan(0);
    expect(statuses[401]).toBeGreaterThan(100);
  });

  it("a token without a now-required second factor gets insufficient_user_authentication (the organization turned the requirement, or secure methods only, on after the token was minted)", async () => {
    const org = await createOrganization(handle.db);
    const enrolled = await member(org.id);
    await enrollUser(makeDeps(handle.db, { clock: testClock(new Date()) }), enrolled);
    const notEnrolled = await member(org.id);
    const AMRS = [["pwd"], ["pwd", "sms"], ["pwd", "otp"], ["pwd", "hwk"], ["pwd", "sms", "otp"], ["pwd", "trusted_device"]];
    const tokens: { amr: string[]; enrolled: boolean; userId: string; accessToken: string }[] = [];
    for (const [user, isEnrolled] of [[enrolled, true], [notEnrolled, false]] as const) {
      for (const amr of AMRS) tokens.push({ amr, enrolled: isEnrolled, userId: user.id, accessToken: (await tokensFor(user.id, amr)).access_token });
    }
    for (const token of tokens) expect((await meRoute.GET(apiRequest("/me", bearer(token.accessToken)))).status).toBe(200);

    const when = fc.constantFrom<"past" | "future" | null>("past", "future", null);
    const policy = fc.record({ requireTwoFactor: fc.boolean(), graceUntil: when, allowedMethods: fc.constantFrom("any" as const, "secure" as const), smsGraceUntil: when, selfEnabled: fc.boolean() });
    const at = (choice: "past" | "future" | null) => (choice === "past" ? new Date(Date.now() - HOUR) : choice === "future" ? new Date(Date.now() + HOUR) : null);
    await fc.assert(
      fc.asyncProperty(policy, fc.constantFrom(meRoute, securityRoute), async (p, route) => {
        await handle.db
          .update(organizations)
          .set({ requireTwoFactor: p.requireTwoFactor, twoFactorGraceUntil: at(p.graceUntil), twoFactorAllowedMethods: p.allowedMethods, secureMethodsGraceUntil: at(p.smsGraceUntil) })
          .where(eq(organizations.id, org.id));
        await handle.db.update(twoFactorUsers).set({ twoFactorSelfEnabled: p.selfEnabled }).where(eq(twoFactorUsers.id, enrolled.id));
        for (const token of tokens) {
          // What the web would ask of this sign-in today, written plainly.
          const secondFactors = token.amr.filter((method) => method !== "pwd");
          const inGrace = p.requireTwoFactor && p.graceUntil === "future" && !token.enrolled;
          const required = (p.requireTwoFactor && !inGrace) || (token.enrolled && p.selfEnabled);
          const smsAccepted = p.allowedMethods === "any" || p.smsGraceUntil === "future";
          const expected =
            required && secondFactors.length === 0
              ? insufficient(SECOND_FACTOR_REQUIRED)
              : !smsAccepted && secondFactors.length > 0 && secondFactors.every((method) => method === "sms")
                ? insufficient(SECURE_METHOD_REQUIRED)
                : null;
          const response = await route.GET(apiRequest("/me", bearer(token.accessToken)));
          expect({ amr: token.amr, enrolled: token.enrolled, status: response.status, challenge: response.headers.get("www-authenticate") }).toEqual({
            amr: token.amr,
            enrolled: token.enrolled,
            status: expected ? 401 : 200,
            challenge: expected,
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it("the database failing at any statement of a request answers 503 (fail closed): never the resource, never a 401 that sends the member to sign in again", async () => {
    const user = await member();
    const { access_token } = await tokensFor(user.id, ["pwd", "sms"]);
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const withDb = (db: Db) => async (): Promise<ApiDeps | null> => {
      const deps = (await portalApiDeps())!;
      return { ...deps, db, tokens: { ...deps.tokens, grantIsLive: (hash) => isGrantLive({ db, clock: deps.clock }, hash) } };
    };
    try {
      for (const resource of [loadApiMe, loadApiSecuritySummary] as ApiResource<unknown>[]) {
        let statements = 0;
        const counted = dbWithTransactionHooks(handle.db, { outside: true, beforeStatement: () => void (statements += 1) });
        expect((await apiRoute("counted", resource, withDb(counted))(apiRequest("/x", bearer(access_token)))).status).toBe(200);
        expect(statements).toBeGreaterThan(2);
        for (let failing = 1; failing <= statements; failing += 1) {
          const failingDb = dbWithTransactionHooks(handle.db, {
            outside: true,
            beforeStatement: ({ index }) => {
              if (index === failing) throw new Error("connection terminated unexpectedly");
            },
          });
          const response = await apiRoute("failing", resource, withDb(failingDb))(apiRequest("/x", bearer(access_token)));
          expect(response.status, `statement ${failing} of ${statements} failing`).toBe(503);
          expect(response.headers.get("retry-after")).toBe("5");
          expect(response.headers.get("cache-control")).toBe("no-store");
          expect(await response.json()).toEqual({ error: "temporarily_unavailable", error_description: "Connect is temporarily unavailable. Please try again in a moment." });
        }
      }
    } finally {
      quiet.mockRestore();
    }
  });
});
