import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as meRoute from "@/app/api/v1/me/route";
import * as openApiRoute from "@/app/api/v1/openapi.json/route";
import * as securityRoute from "@/app/api/v1/security/route";
import type { DatabaseHandle } from "@/lib/db/client";
import { organizations, users } from "@/lib/db/schema";
import { unavailableResponse } from "@/lib/http/unavailable";
import { listAppSignIns, revokeAppSignIn } from "@/lib/oauth/grants";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testClock } from "../helpers/fixtures";
import { deref, documentedHeaders, refsOf, resolvePointer, responseValidator } from "../helpers/openapi-check";
import { apiRequest, bearer, startPortalApi, type PortalApi } from "../helpers/portal-api";
import { enrollUser, makeDeps } from "../helpers/two-factor";

const ROUTES = { "/me": meRoute, "/security": securityRoute } as const;
const HOUR = 60 * 60 * 1000;

const answerOf = async (response: Response) => ({ status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> });

describe.each(databaseTargets())("the API for apps (/api/v1) on $name", (target) => {
  let handle: DatabaseHandle;
  let api: PortalApi;
  let document: Record<string, unknown>;

  beforeAll(async () => {
    handle = await target.open();
    api = await startPortalApi(handle);
    document = (await (await openApiRoute.GET()).json()) as Record<string, unknown>;
  });
  afterAll(async () => {
    await api?.close();
    await handle?.close();
  });

  /** A member of an organization (nothing required yet), signed in before any reset (sessions valid since an hour ago). */
  async function member(options: { role?: "owner" | "admin" | "member"; name?: string } = {}) {
    const org = await createOrganization(handle.db, "Acme Health");
    const user = await createUser(handle.db, { organizationId: org.id, role: options.role ?? "member", name: options.name });
    await handle.db.update(users).set({ sessionsValidAfter: new Date(Date.now() - HOUR) }).where(eq(users.id, user.id));
    return { org, user };
  }

  async function tokenFor(userId: string, amr: string[]) {
    const answer = await api.signIn({ accountId: userId, amr });
    expect(answer.status).toBe(200);
    return answer.body as { access_token: string; refresh_token: string };
  }

  it("GET /me answers who is signed in, their organization and role, and how this token's sign-in was made, as the document says", async () => {
    const { org, user } = await member({ role: "admin", name: "Ada Admin" });
    const { access_token } = await tokenFor(user.id, ["pwd", "sms"]);
    const answer = await answerOf(await meRoute.GET(apiRequest("/me", bearer(access_token))));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      id: user.id,
      email: user.email,
      name: "Ada Admin",
      organization: { id: org.id, name: "Acme Health", role: "admin" },
      amr: ["pwd", "sms"],
      clientId: "connect-ios",
    });
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(responseValidator(document, "/me", "200").safeParse(answer.body).error).toBeUndefined();
  });

  it("GET /me of a member outside any organization says organization: null", async () => {
    const user = await createUser(handle.db);
    await handle.db.update(users).set({ sessionsValidAfter: new Date(Date.now() - HOUR) }).where(eq(users.id, user.id));
    const { access_token } = await tokenFor(user.id, ["pwd"]);
    const answer = await answerOf(await meRoute.GET(apiRequest("/me", bearer(access_token))));
    expect(answer.body).toMatchObject({ id: user.id, organization: null, amr: ["pwd"] });
    expect(responseValidator(document, "/me", "200").safeParse(answer.body).error).toBeUndefined();
  });

  it("GET /security answers the member's own security as the Security page has it (the phone masked), as the document says", async () => {
    const { user } = await member();
    const deps = makeDeps(handle.db, { clock: testClock(new Date()) });
    const { phone } = await enrollUser(deps, user);
    const { access_token } = await tokenFor(user.id, ["pwd", "sms"]);
    await tokenFor(user.id, ["pwd", "sms"]);
    const answer = await answerOf(await securityRoute.GET(apiRequest("/security", bearer(access_token))));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      twoFactor: { required: false, requiredBy: null, graceUntil: null, enrolled: true },
      methods: { sms: { phone: `••• ••• ••${phone.slice(-2)}` }, authenticatorApp: false, passkeys: 0 },
      preferredMethod: "sms",
      backupCodesRemaining: 10,
      trustedDevices: 0,
      signedInApps: 2,
      organization: { allowedMethods: "any", smsAcceptedUntil: null },
    });
    expect(JSON.stringify(answer.body)).not.toContain(phone.slice(1, -2));
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(responseValidator(document, "/security", "200").safeParse(answer.body).error).toBeUndefined();
  });

  it("GET /security says who requires 2FA and until when a member not set up may skip it", async () => {
    const { org, user } = await member();
    const graceUntil = new Date(Date.now() + 7 * 24 * HOUR);
    const { access_token } = await tokenFor(user.id, ["pwd"]);
    await handle.db.update(organizations).set({ requireTwoFactor: true, twoFactorGraceUntil: graceUntil }).where(eq(organizations.id, org.id));
    const answer = await answerOf(await securityRoute.GET(apiRequest("/security", bearer(access_token))));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      twoFactor: { required: false, requiredBy: "organization", graceUntil: graceUntil.toISOString(), enrolled: false },
      methods: { sms: null, authenticatorApp: false, passkeys: 0 },
      preferredMethod: null,
      backupCodesRemaining: 0,
      signedInApps: 1,
    });
    expect(responseValidator(document, "/security", "200").safeParse(answer.body).error).toBeUndefined();
  });

  it("the document's schemas are not vacuous: a body with a field too many, too few or of the wrong type is refused", () => {
    const me = responseValidator(document, "/me", "200");
    const good = { id: "u", email: "a@example.test", name: null, organization: null, amr: ["pwd"], clientId: "connect-ios" };
    expect(me.safeParse(good).success).toBe(true);
    for (const bad of [{ ...good, phone: "+15550100" }, { ...good, amr: undefined }, { ...good, amr: "pwd" }, { ...good, organization: { id: "o", name: "O", role: "boss" } }]) {
      expect(me.safeParse(bad).success).toBe(false);
    }
  });

  it("no token: 401 with a bare Bearer challenge (RFC 6750 §3.1: no error code), documented", async () => {
    for (const [path, route] of Object.entries(ROUTES)) {
      const answer = await answerOf(await route.GET(apiRequest(path, null)));
      expect(answer.status).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="connect"');
      expect(answer.body).toEqual({ error: "unauthorized", error_description: expect.any(String) });
      expect(responseValidator(document, path, "401").safeParse(answer.body).error).toBeUndefined();
      const documented = documentedHeaders(document, path, "401")["www-authenticate"]!.schema as { pattern: string };
      expect(answer.headers.get("www-authenticate")).toMatch(new RegExp(documented.pattern));
    }
  });

  it("the organization requiring 2FA after the token was minted: 401 insufficient_user_authentication saying why, on every route, and the refresh is refused too", async () => {
    const { org, user } = await member();
    const { access_token, refresh_token } = await tokenFor(user.id, ["pwd"]);
    expect((await meRoute.GET(apiRequest("/me", bearer(access_token)))).status).toBe(200);
    await handle.db.update(organizations).set({ requireTwoFactor: true, twoFactorGraceUntil: null }).where(eq(organizations.id, org.id));
    for (const [path, route] of Object.entries(ROUTES)) {
      const answer = await answerOf(await route.GET(apiRequest(path, bearer(access_token))));
      expect(answer.status).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe(
        'Bearer realm="connect", error="insufficient_user_authentication", error_description="Your organization now requires two-factor authentication. Sign in again with your second factor."',
      );
      expect(answer.body).toEqual({ error: "insufficient_user_authentication", error_description: "Your organization now requires two-factor authentication. Sign in again with your second factor." });
      expect(responseValidator(document, path, "401").safeParse(answer.body).error).toBeUndefined();
    }
    expect(await api.refresh(refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    // through the browser again with the second factor: a new token works
    const again = await tokenFor(user.id, ["pwd", "sms"]);
    expect((await meRoute.GET(apiRequest("/me", bearer(again.access_token)))).status).toBe(200);
  });

  it("secure methods only, past its grace: a token whose only second factor was SMS gets insufficient_user_authentication; an authenticator app's still works", async () => {
    const { org, user } = await member();
    const sms = await tokenFor(user.id, ["pwd", "sms"]);
    const app = await tokenFor(user.id, ["pwd", "otp"]);
    await handle.db.update(organizations).set({ twoFactorAllowedMethods: "secure", secureMethodsGraceUntil: new Date(Date.now() - 1000) }).where(eq(organizations.id, org.id));
    const refused = await answerOf(await meRoute.GET(apiRequest("/me", bearer(sms.access_token))));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer realm="connect", error="insufficient_user_authentication", error_description="Your organization now accepts only an authenticator app or a passkey\./);
    expect((await meRoute.GET(apiRequest("/me", bearer(app.access_token)))).status).toBe(200);
  });

  it("a password reset (or sign-out everywhere) after the sign-in, a revoked app sign-in, a deleted account: 401 invalid_token", async () => {
    const reset = await member();
    const resetToken = await tokenFor(reset.user.id, ["pwd"]);
    await handle.db.update(users).set({ sessionsValidAfter: new Date(Date.now() + 1000) }).where(eq(users.id, reset.user.id));

    const revoked = await member();
    const revokedToken = await tokenFor(revoked.user.id, ["pwd"]);
    const [grant] = await listAppSignIns(handle.db, revoked.user.id, new Date());
    expect(await revokeAppSignIn(handle.db, revoked.user.id, grant!.grantIdHash)).toBe(true);

    const gone = await member();
    const goneToken = await tokenFor(gone.user.id, ["pwd"]);
    await handle.db.delete(users).where(eq(users.id, gone.user.id));

    for (const token of [resetToken, revokedToken, goneToken]) {
      const answer = await answerOf(await meRoute.GET(apiRequest("/me", bearer(token.access_token))));
      expect(answer.status).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="connect", error="invalid_token", error_description="The access token has been revoked."');
      expect(answer.body).toEqual({ error: "invalid_token", error_description: "The access token has been revoked." });
    }
  });

  it("other methods: 405 with Allow; OPTIONS says the methods and grants no other origin anything (no CORS)", async () => {
    const { user } = await member();
    const { access_token } = await tokenFor(user.id, ["pwd"]);
    for (const route of [meRoute, securityRoute, openApiRoute]) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
        const answer = await answerOf(await route[method]());
        expect(answer.status).toBe(405);
        expect(answer.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
        expect(answer.body).toEqual({ error: "method_not_allowed", error_description: expect.any(String) });
      }
      const options = await route.OPTIONS();
      expect(options.status).toBe(204);
      expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expect([...options.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    }
    expect(access_token).toBeTruthy();
  });

  it("with no app registered (no OAUTH_CLIENTS) the API and its document are 404", async () => {
    const { user } = await member();
    const { access_token } = await tokenFor(user.id, ["pwd"]);
    const clients = process.env.OAUTH_CLIENTS;
    delete process.env.OAUTH_CLIENTS;
    try {
      for (const [path, route] of Object.entries(ROUTES)) {
        const answer = await answerOf(await route.GET(apiRequest(path, bearer(access_token))));
        expect(answer).toMatchObject({ status: 404, body: { error: "not_found" } });
        expect(responseValidator(document, path, "404").safeParse(answer.body).error).toBeUndefined();
      }
      expect((await openApiRoute.GET()).status).toBe(404);
    } finally {
      process.env.OAUTH_CLIENTS = clients;
    }
  });

  it("the database down when the API first needs it: 503 in the documented form, and the middleware's 503 during an outage has the same form", async () => {
    const { user } = await member();
    const { access_token } = await tokenFor(user.id, ["pwd"]);
    const processGlobals = globalThis as unknown as { __connect2faDb?: Promise<unknown>; __connect2faOAuth?: unknown };
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const database = processGlobals.__connect2faDb;
    try {
      processGlobals.__connect2faDb = Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
      processGlobals.__connect2faDb.catch(() => {});
      delete processGlobals.__connect2faOAuth;
      for (const [path, route] of Object.entries(ROUTES)) {
        const answer = await answerOf(await route.GET(apiRequest(path, bearer(access_token))));
        expect(answer.status).toBe(503);
        expect(answer.headers.get("retry-after")).toBe("5");
        expect(responseValidator(document, path, "503").safeParse(answer.body).error).toBeUndefined();
      }
    } finally {
      processGlobals.__connect2faDb = database;
      delete processGlobals.__connect2faOAuth;
      quiet.mockRestore();
    }
    expect((await meRoute.GET(apiRequest("/me", bearer(access_token)))).status).toBe(200);
    const outage = await answerOf(unavailableResponse(apiRequest("/me", bearer(access_token))));
    expect(outage.status).toBe(503);
    expect(responseValidator(document, "/me", "503").safeParse(outage.body).error).toBeUndefined();
  });

  describe("the OpenAPI document (public at /api/v1/openapi.json)", () => {
    it("is OpenAPI 3.1.0 on the portal's public origin, every $ref resolves, and each path documents 200, 401 (with WWW-Authenticate), 404, 405 and 503", async () => {
      const response = await openApiRoute.GET();
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(document.openapi).toBe("3.1.0");
      expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
      expect(document.servers).toEqual([{ url: `${api.server.origin}/api/v1` }]);
      const refs = refsOf(document);
      expect(refs.length).toBeGreaterThan(10);
      for (const { at, ref } of refs) expect(resolvePointer(document, ref), `${ref} at ${at}`).toBeDefined();
      const paths = document.paths as Record<string, { get: { responses: Record<string, unknown>; security: unknown[] } }>;
      expect(Object.keys(paths).sort()).toEqual(["/me", "/security"]);
      for (const path of Object.keys(paths)) {
        expect(Object.keys(paths[path]!.get.responses).sort()).toEqual(["200", "401", "404", "405", "503"]);
        for (const status of ["200", "401", "404", "405", "503"]) expect(() => responseValidator(document, path, status)).not.toThrow();
        expect(documentedHeaders(document, path, "401")["www-authenticate"]).toMatchObject({ required: true, description: expect.stringMatching(/invalid_token[\s\S]*insufficient_user_authentication/) });
        expect(documentedHeaders(document, path, "503")["retry-after"]).toBeDefined();
        expect(documentedHeaders(document, path, "405")["allow"]).toBeDefined();
        expect(paths[path]!.get.security).toEqual([{ bearer: [] }, { oauth2: ["api"] }]);
      }
      const examples = deref(document, paths["/me"]!.get.responses["401"]).content as Record<string, { examples: Record<string, { value: unknown }> }>;
      expect(Object.keys(examples["application/json"]!.examples).sort()).toEqual(["insufficient_user_authentication", "invalid_token"]);
    });

    it("names the bearer scheme and the OAuth authorization code flow at the portal's /oauth endpoints, and every scheme an operation uses exists", () => {
      const components = document.components as { securitySchemes: Record<string, Record<string, unknown>> };
      expect(components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
      expect(components.securitySchemes.oauth2).toMatchObject({
        type: "oauth2",
        flows: {
          authorizationCode: {
            authorizationUrl: `${api.server.origin}/oauth/authorize`,
            tokenUrl: `${api.server.origin}/oauth/token`,
            refreshUrl: `${api.server.origin}/oauth/token`,
            scopes: { api: expect.any(String) },
          },
        },
      });
      expect(String(components.securitySchemes.oauth2!.description)).toMatch(/PKCE/);
      const used = Object.values(document.paths as Record<string, { get: { security: Record<string, string[]>[] } }>).flatMap((item) => item.get.security.flatMap(Object.keys));
      for (const name of used) expect(components.securitySchemes[name], name).toBeDefined();
    });
  });
});
