import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionViewer } from "@/lib/auth/live-session";
import { systemClock } from "@/lib/clock";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import { auditEvents, users } from "@/lib/db/schema";
import { portalOAuthAccounts } from "@/lib/oauth-portal/accounts";
import { loadSignedInApps } from "@/lib/queries/security";
import { revokeAppSignInAction } from "@/app/(portal)/security/actions";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser } from "../helpers/fixtures";
import { exchangeCode, obtainCode, refresh } from "../helpers/oauth-native-app";
import { NATIVE_APP, startOAuthServer, type OAuthTestServer } from "../helpers/oauth-server";
import { REGISTERED } from "../helpers/redirect-uri-spellings";

// The Security page's "Signed-in apps": its loader and its Revoke action, as the page calls them,
// with apps signed in through the real provider. The request (headers, the session) is stood in
// for; the database, the provider and the action's checks are real.
const ctx = vi.hoisted(() => ({ viewer: null as unknown, db: null as unknown }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => new Map() }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/auth/dal", () => ({ getViewer: async () => ctx.viewer }));
vi.mock("@/lib/server", async () => {
  const { systemClock: clock } = await import("@/lib/clock");
  return { appDeps: async () => ({ db: ctx.db, clock }) };
});

const DAY = 86_400_000;
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};
/** The URL the action redirected to (Next.js's redirect() throws), or null when it answered. */
async function redirectedTo(run: Promise<unknown>): Promise<string | null> {
  try {
    await run;
    return null;
  } catch (error) {
    const digest = String((error as { digest?: string }).digest);
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return digest.split(";")[2] ?? null;
  }
}

describe.each(databaseTargets())("the Security page's signed-in apps on $name", (target) => {
  let handle: DatabaseHandle;
  let db: Db;
  let server: OAuthTestServer;
  let signingIn = { accountId: "nobody", amr: ["pwd"] };
  const savedClients = process.env.OAUTH_CLIENTS;
  beforeAll(async () => {
    handle = await target.open();
    db = handle.db;
    ctx.db = db;
    server = await startOAuthServer({ db, accounts: portalOAuthAccounts({ db, clock: systemClock }), signIn: () => signingIn });
    process.env.OAUTH_CLIENTS = JSON.stringify([NATIVE_APP]);
  });
  afterEach(() => {
    process.env.OAUTH_CLIENTS = JSON.stringify([NATIVE_APP]);
  });
  afterAll(async () => {
    if (savedClients === undefined) delete process.env.OAUTH_CLIENTS;
    else process.env.OAUTH_CLIENTS = savedClients;
    await server?.close();
    await handle?.close();
  });

  async function seedMember(): Promise<SessionViewer> {
    const org = await createOrganization(db);
    const user = await createUser(db, { organizationId: org.id });
    await db.update(users).set({ sessionsValidAfter: new Date(Date.now() - DAY) }).where(eq(users.id, user.id));
    return {
      user: { id: user.id, email: user.email, name: null, sessionsValidAfter: new Date(Date.now() - DAY), twoFactorEnrolled: false },
      organization: { id: org.id, name: org.name, requireTwoFactor: false, twoFactorGraceUntil: null },
      role: "member",
      amr: ["pwd"],
      authTime: Date.now(),
    };
  }
  async function signInApp(viewer: SessionViewer) {
    signingIn = { accountId: viewer.user.id, amr: ["pwd", "otp"] };
    const answer = await exchangeCode(server, await obtainCode(server, REGISTERED.privateUse));
    expect(answer.status).toBe(200);
    return { refreshToken: answer.body.refresh_token! };
  }
  const revokeAs = (viewer: SessionViewer, grantId: string) => {
    ctx.viewer = viewer;
    return revokeAppSignInAction({}, form({ grantId }));
  };
  const revokedEvents = (userId: string) => db.select().from(auditEvents).where(and(eq(auditEvents.type, "oauth.app_revoked"), eq(auditEvents.subjectUserId, userId)));

  it("lists the member's own live app sign-ins with the app's registered name, none of anyone else's; none when nothing is signed in; no section when OAuth is off", async () => {
    const ann = await seedMember();
    const bob = await seedMember();
    expect(await loadSignedInApps(ann)).toEqual([]);
    await signInApp(ann);
    await signInApp(ann);
    await signInApp(bob);
    const apps = await loadSignedInApps(ann);
    expect(apps).toHaveLength(2);
    for (const app of apps!) {
      expect(app).toMatchObject({ appName: "Connect for iOS", grantId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      expect(Date.now() - Date.parse(app.signedInAt)).toBeLessThan(DAY);
      expect(Date.parse(app.expiresAt!) - Date.parse(app.signedInAt)).toBeGreaterThan(29 * DAY);
    }
    const bobs = await loadSignedInApps(bob);
    expect(bobs).toHaveLength(1);
    expect(apps!.map((app) => app.grantId)).not.toContain(bobs![0]!.grantId);
    delete process.env.OAUTH_CLIENTS;
    expect(await loadSignedInApps(ann)).toBeNull();
  });

  it("Revoke signs that one app out at once (its refresh token refused, audited), leaves the member's other apps signed in, and says so", async () => {
    const ann = await seedMember();
    const first = await signInApp(ann);
    const second = await signInApp(ann);
    const apps = await loadSignedInApps(ann);
    // Either of the two (sign-in times are kept in whole seconds): exactly its family stops.
    const target = apps![apps!.length - 1]!;
    const before = (await refresh(server, first.refreshToken)).body.refresh_token!;
    expect(await redirectedTo(revokeAs(ann, target.grantId))).toBe("/security?app-revoked=1");
    const left = await loadSignedInApps(ann);
    expect(left!.map((app) => app.grantId)).not.toContain(target.grantId);
    expect(left).toHaveLength(1);
    const answers = [await refresh(server, before), await refresh(server, second.refreshToken)];
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expect(answers.find((answer) => answer.status === 400)?.body.error).toBe("invalid_grant");
    const events = await revokedEvents(ann.user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorUserId: ann.user.id, organizationId: ann.organization!.id, details: { clientId: "connect-ios", name: "Connect for iOS" } });
    // Already signed out: said in the form, nothing recorded again.
    expect(await revokeAs(ann, target.grantId)).toMatchObject({ ok: false, error: expect.stringContaining("not signed in") });
    expect(await revokedEvents(ann.user.id)).toHaveLength(1);
  });

  it("another member's app sign-in cannot be revoked, whatever id is posted: their grant's id, a guessed one, or anything else", async () => {
    const ann = await seedMember();
    const bob = await seedMember();
    const bobsTokens = [await signInApp(bob), await signInApp(bob)];
    const bobsIds = (await loadSignedInApps(bob))!.map((app) => app.grantId);
    await signInApp(ann);
    const annsIds = new Set((await loadSignedInApps(ann))!.map((app) => app.grantId));
    const grantIds = fc.oneof(fc.constantFrom(...bobsIds), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string({ maxLength: 80 }), fc.constantFrom("", " ", `${bobsIds[0]} `, bobsIds[0]!.toUpperCase()));
    await fc.assert(
      fc.asyncProperty(grantIds, async (grantId) => {
        fc.pre(!annsIds.has(grantId));
        const answer = await redirectedTo(revokeAs(ann, grantId).then((state) => expect(state).toMatchObject({ ok: false })));
        expect(answer).toBeNull();
      }),
      { numRuns: 40 },
    );
    expect((await loadSignedInApps(bob))!.map((app) => app.grantId).sort()).toEqual([...bobsIds].sort());
    for (const tokens of bobsTokens) expect((await refresh(server, tokens.refreshToken)).status).toBe(200);
    expect(await revokedEvents(bob.user.id)).toHaveLength(0);
    expect(await revokedEvents(ann.user.id)).toHaveLength(0);
  });

  it("without a session, Revoke changes nothing", async () => {
    const bob = await seedMember();
    await signInApp(bob);
    const [app] = (await loadSignedInApps(bob))!;
    ctx.viewer = null;
    expect(await revokeAppSignInAction({}, form({ grantId: app!.grantId }))).toMatchObject({ ok: false, error: expect.any(String) });
    expect(await loadSignedInApps(bob)).toHaveLength(1);
  });
});
