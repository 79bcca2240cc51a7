import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SessionViewer } from "@/lib/auth/live-session";
import { systemClock } from "@/lib/clock";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, endedSessions, organizations, users } from "@/lib/db/schema";
import { newVerifier, s256Challenge } from "@/lib/oauth/pkce";
import type { SignInFacts } from "@/lib/oauth/provider-configuration";
import { createDatabaseSession, readDatabaseSessionClaims } from "@/lib/auth/database-session";
import { portalOAuthAccounts } from "@/lib/oauth-portal/accounts";
import { clearedSessionCookies, endPortalSession } from "@/lib/oauth-portal/end-session";
import { runInteractionStep } from "@/lib/oauth-portal/interaction";
import { safeReturnPath } from "@/lib/return-path";
import { loadViewer } from "@/lib/users";
import { CookieJar } from "../helpers/cookie-jar";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser } from "../helpers/fixtures";
import { exchangeCode } from "../helpers/oauth-native-app";
import { startOAuthServer, type OAuthTestServer } from "../helpers/oauth-server";
import { REGISTERED } from "../helpers/redirect-uri-spellings";

// Issue 19 §1: the portal's sign-in step of an app's authorization (lib/oauth-portal/interaction.ts)
// on the provider and the database, the portal session played by `viewer` (the live-session check
// is its own tests'). The browser is fetch with a cookie jar; the page the GET sends it to is the
// App Router's (e2e: tests/e2e/app-sign-in.spec.ts).

const REDIRECT_URI = REGISTERED.loopback.replace("127.0.0.1", "127.0.0.1:49152");

describe.each(databaseTargets())("the app sign-in step on $name", (target) => {
  let handle: DatabaseHandle;
  let server: OAuthTestServer;
  /** The request's live portal session, as loadLiveSession would give it; "down": the database fails. */
  let viewer: SessionViewer | null | "down" = null;
  /** What the code exchanges and refreshes asked the portal's rule (accounts.ts). */
  const seenFacts: SignInFacts[] = [];

  beforeAll(async () => {
    handle = await target.open();
    server = await startOAuthServer({
      db: handle.db,
      accounts: {
        find: (accountId, facts) => {
          seenFacts.push(facts);
          return portalOAuthAccounts({ db: handle.db, clock: systemClock }).find(accountId, facts);
        },
      },
      interaction: (provider, settings) => (req, res, uid) =>
        runInteractionStep(
          {
            provider,
            apiResource: settings.apiResource,
            clients: settings.clients,
            db: handle.db,
            clock: systemClock,
            viewerOf: async () => {
              if (viewer === "down") throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
              return viewer;
            },
          },
          req,
          res,
          uid,
        ),
    });
  });
  afterAll(async () => {
    await server?.close();
    await handle?.close();
  });
  beforeEach(() => {
    viewer = null;
  });

  async function memberSignedIn(amr: string[], options: { requireTwoFactor?: boolean; authTime?: number } = {}) {
    const org = await createOrganization(handle.db);
    if (options.requireTwoFactor) await handle.db.update(organizations).set({ requireTwoFactor: true }).where(eq(organizations.id, org.id));
    const user = await createUser(handle.db, { organizationId: org.id });
    const authTime = options.authTime ?? Date.now() - 60_000;
    // Signed in after the account's creation (its sessions are valid from then).
    await handle.db.update(users).set({ sessionsValidAfter: new Date(authTime - 1000) }).where(eq(users.id, user.id));
    const loaded = await loadViewer(handle.db, user.id, authTime);
    viewer = { ...loaded!, amr, authTime };
    return { org, user, viewer };
  }

  /** A browser that opens the app's authorization: the step's uid, its jar and the app's state and verifier. */
  async function openAuthorization() {
    const jar = new CookieJar();
    const verifier = newVerifier();
    const state = `s-${Math.random().toString(36).slice(2)}`;
    const query = new URLSearchParams({
      client_id: "connect-ios",
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: "openid api",
      state,
      code_challenge: s256Challenge(verifier),
      code_challenge_method: "S256",
    });
    const answer = await visit(jar, `${server.issuer}/authorize?${query}`);
    const uid = /^\/oauth\/interaction\/([\w-]+)$/.exec(answer.location ?? "")?.[1];
    if (!uid) throw new Error(`no interaction: ${answer.status} ${answer.location}`);
    return { jar, uid, verifier, state, stepUrl: `${server.origin}/oauth/interaction/${uid}` };
  }

  async function visit(jar: CookieJar, url: string, init: RequestInit = {}) {
    const cookie = jar.headerFor(url);
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
    jar.store(url, response);
    return { status: response.status, location: response.headers.get("location"), body: await response.text(), setCookie: response.headers.getSetCookie() };
  }

  const post = (jar: CookieJar, url: string, action: string, origin: string | null = server.origin) =>
    visit(jar, url, { method: "POST", body: new URLSearchParams({ action }), headers: { "content-type": "application/x-www-form-urlencoded", ...(origin === null ? {} : { origin }) } });

  /** Follows the provider's redirects from a finished step to the app's redirect URI. */
  async function toTheApp(jar: CookieJar, answer: { status: number; location: string | null }) {
    let current = answer;
    for (let hops = 0; hops < 5 && current.location && !current.location.startsWith("http://127.0.0.1:49152/"); hops++) {
      current = await visit(jar, new URL(current.location, server.origin).href);
    }
    expect(current.location, "a redirect to the app").toMatch(/^http:\/\/127\.0\.0\.1:49152\/callback\?/);
    return new URL(current.location!).searchParams;
  }

  it("without a portal session the step sends the browser to sign in, with a return path the portal keeps back to this step", async () => {
    const { jar, uid, stepUrl } = await openAuthorization();
    const answer = await visit(jar, stepUrl);
    expect(answer.status).toBe(303);
    const back = new URL(answer.location!, server.origin);
    expect(back.pathname).toBe("/sign-in");
    expect(safeReturnPath(back.searchParams.get("callbackUrl"))).toBe(`/oauth/interaction/${uid}`);
  });

  it("a session meeting the rule is shown the app's page; Continue sends the app a code with the session's amr and its real sign-in time, and is recorded", async () => {
    const authTime = Date.now() - 5 * 60_000;
    const { org, user } = await memberSignedIn(["pwd"], { authTime });
    const { jar, uid, stepUrl, verifier, state } = await openAuthorization();
    expect(await visit(jar, stepUrl)).toMatchObject({ status: 303, location: `/app-sign-in/${uid}` });
    const params = await toTheApp(jar, await post(jar, stepUrl, "continue"));
    expect(params.get("state")).toBe(state);
    const tokens = await exchangeCode(server, { code: params.get("code")!, verifier, redirectUri: REDIRECT_URI });
    expect(tokens.status).toBe(200);
    // The rule at the exchange (and every refresh) judged the sign-in's own time, not the step's.
    expect(seenFacts.at(-1)).toMatchObject({ amr: ["pwd"], authTime: Math.floor(authTime / 1000) });
    const access = JSON.parse(Buffer.from(tokens.body.access_token!.split(".")[1]!, "base64url").toString());
    expect(access).toMatchObject({ sub: user.id, amr: ["pwd"], org: org.id });
    const events = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.type, "oauth.app_signed_in")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ organizationId: org.id, actorUserId: user.id, details: { clientId: "connect-ios", appName: "Connect for iOS" } });
  });

  it("a step works once: after Continue, the same step is expired", async () => {
    await memberSignedIn(["pwd"]);
    const { jar, stepUrl } = await openAuthorization();
    await toTheApp(jar, await post(jar, stepUrl, "continue"));
    const again = await post(jar, stepUrl, "continue");
    expect(again.status).toBe(400);
    expect(again.location).toBeNull();
    expect(again.body).toContain("This sign-in has expired. Go back to the app and start again.");
  });

  it("Cancel sends the app access_denied and its state, and no code", async () => {
    await memberSignedIn(["pwd"]);
    const { jar, stepUrl, state } = await openAuthorization();
    const params = await toTheApp(jar, await post(jar, stepUrl, "cancel"));
    expect(params.get("error")).toBe("access_denied");
    expect(params.get("state")).toBe(state);
    expect(params.get("code")).toBeNull();
  });

  it("cross-site requests are refused: a POST whose Origin is not the portal's (or has none) gets 403 and issues nothing", async () => {
    await memberSignedIn(["pwd"]);
    const { jar, stepUrl } = await openAuthorization();
    const foreign = fc.oneof(
      fc.webUrl({ withQueryParameters: false, withFragments: false }).map((url) => new URL(url).origin),
      fc.constantFrom("null", "http://127.0.0.1", "http://127.0.0.1:1", server.origin.replace("127.0.0.1", "localhost"), `${server.origin}.evil.example`),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(foreign, fc.constant(null)), async (origin) => {
        fc.pre(origin !== server.origin);
        const answer = await post(jar, stepUrl, "continue", origin);
        expect(answer.status).toBe(403);
        expect(answer.location).toBeNull();
      }),
      { numRuns: 25 },
    );
    // The step is untouched: the portal's own form still finishes it.
    expect((await toTheApp(jar, await post(jar, stepUrl, "continue"))).get("code")).toBeTruthy();
  });

  it("a session the organization's rule now refuses is sent to the Sign in again page, and a posted Continue issues nothing", async () => {
    await memberSignedIn(["pwd"], { requireTwoFactor: true });
    const { jar, uid, stepUrl } = await openAuthorization();
    expect(await visit(jar, stepUrl)).toMatchObject({ status: 303, location: `/app-sign-in/${uid}` });
    expect(await post(jar, stepUrl, "continue")).toMatchObject({ status: 303, location: `/app-sign-in/${uid}` });
  });

  it("Sign in again ends the portal session (recorded, cookies cleared) and sends the browser to sign in and back to the step", async () => {
    const { user, viewer: session } = await memberSignedIn(["pwd"], { requireTwoFactor: true });
    const { jar, uid, stepUrl } = await openAuthorization();
    const answer = await post(jar, stepUrl, "reauth");
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/sign-in?callbackUrl=${encodeURIComponent(`/oauth/interaction/${uid}`)}`);
    expect(answer.setCookie.join("\n")).toMatch(/c2fa-pending=; Path=\/; Max-Age=0/);
    const ended = await handle.db.select().from(endedSessions).where(eq(endedSessions.userId, user.id));
    expect(ended.map((row) => Number(row.authTime))).toEqual([session.authTime]);
    expect(await loadViewer(handle.db, user.id, session.authTime)).toBeNull();
  });

  it("Sign in again with a database session deletes its row, so the cookie no longer signs anyone in", async () => {
    const { user, viewer: session } = await memberSignedIn(["pwd"]);
    const { token } = await createDatabaseSession(handle.db, { userId: user.id, amr: ["pwd"] }, new Date());
    const jar = { get: (name: string) => (name === "authjs.session-token" ? { value: token } : undefined), getAll: () => [{ name: "authjs.session-token", value: token }] };
    expect(await readDatabaseSessionClaims(jar, handle.db, Date.now())).not.toBeNull();
    await endPortalSession(handle.db, session, jar, new Date());
    expect(await readDatabaseSessionClaims(jar, handle.db, Date.now())).toBeNull();
    expect(clearedSessionCookies(jar).join("\n")).toMatch(/^authjs\.session-token=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0/);
  });

  it("an unknown step is a 400 page and never a redirect, for GET and POST", async () => {
    const jar = new CookieJar();
    for (const answer of [await visit(jar, `${server.origin}/oauth/interaction/no-such-step`), await post(jar, `${server.origin}/oauth/interaction/no-such-step`, "continue")]) {
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.body).toContain("This sign-in has expired. Go back to the app and start again.");
    }
  });

  it("fails closed: when the session cannot be checked (the database down) the step is a 503 page and issues no code", async () => {
    await memberSignedIn(["pwd"]);
    const { jar, stepUrl } = await openAuthorization();
    viewer = "down";
    for (const answer of [await visit(jar, stepUrl), await post(jar, stepUrl, "continue")]) {
      expect(answer.status).toBe(503);
      expect(answer.location).toBeNull();
      expect(answer.body).toContain("the app was not signed in");
    }
  });
});
