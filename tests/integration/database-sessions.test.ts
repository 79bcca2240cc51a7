import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDatabaseSessionClaims } from "@/lib/auth/database-session";
import { requestPasswordReset, resetPasswordWithToken } from "@/lib/auth/password-reset";
import type { DatabaseHandle } from "@/lib/db/client";
import { sessions } from "@/lib/db/schema";
import { resetMemberTwoFactor } from "@/lib/two-factor";
import { portalTwoFactorHost } from "@/lib/two-factor-host";
import { startFakeOidc, type FakeOidc } from "../fakes/oidc-server";
import { databaseTargets } from "../helpers/databases";
import { createUser, testRequest } from "../helpers/fixtures";
import { APP, continueUrlOf, nextAuthHarness, OIDC_CALLBACK, OIDC_CLIENT, SESSION_COOKIE, sessionRowsOf, type Harness } from "../helpers/next-auth";
import { createOrgUser } from "../helpers/two-factor";

// Database sessions (next-auth's adapter rows with the plugin's amr and auth time): whatever ends
// a session deletes its row, and a row outliving the fixed 24 hours is refused all the same.

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(databaseTargets())("database sessions, on $name", (target) => {
  let handle: DatabaseHandle;
  let oidc: FakeOidc;
  let harness: Harness;
  beforeAll(async () => {
    handle = await target.open();
    oidc = await startFakeOidc({ ...OIDC_CLIENT, redirectUris: [OIDC_CALLBACK] });
    harness = nextAuthHarness(handle.db, { strategy: "database", oidc });
  });
  afterAll(async () => {
    await oidc.close();
    await handle.close();
  });

  /** A password sign-in of a member of an organization not requiring 2FA: the browser, and its session row's token. */
  async function signedIn(user: { id: string; email: string; password: string }) {
    const browser = harness.browser();
    await browser.send(continueUrlOf(await browser.passwordSignIn(user.email, user.password)));
    const rows = await sessionRowsOf(handle.db, user.id);
    expect(rows).toHaveLength(1);
    expect(await browser.readSession()).toMatchObject({ userId: user.id, amr: ["pwd"] });
    return { browser, token: rows.at(-1)!.sessionToken };
  }

  /** Refused everywhere: by the plugin's reader, the portal's reader and next-auth's /auth/session. */
  async function expectRefused(token: string) {
    const replayed = harness.replayed(token);
    const now = harness.clock.now().getTime();
    expect(await harness.store.readSession(replayed.cookies, now)).toBeNull();
    expect(await readDatabaseSessionClaims(replayed.cookies, handle.db, now)).toBeNull();
    expect(await replayed.nextAuthSession()).toBeNull();
  }

  it("sign-out through next-auth deletes the row; the cookie kept from before is refused afterwards", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const { browser, token } = await signedIn(user);
    expect((await browser.nextAuthSession())?.user?.id).toBe(user.id);

    const out = await browser.signOut();
    expect(out.response.status).toBe(302);
    expect(await sessionRowsOf(handle.db, user.id)).toEqual([]);
    expect(browser.jar.names(APP)).not.toContain(SESSION_COOKIE);
    await expectRefused(token);
  });

  it("the portal's endSessions deletes the user's rows begun before its instant, and no one else's", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const { user: bystander } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const first = await signedIn(user);
    const other = await signedIn(bystander);
    harness.clock.advance(1);
    await portalTwoFactorHost.endSessions(handle.db, { userId: user.id, before: harness.clock.now() });
    expect(await sessionRowsOf(handle.db, user.id)).toEqual([]);
    await expectRefused(first.token);
    expect(await other.browser.readSession()).toMatchObject({ userId: bystander.id });
  });

  it("an admin's reset of a member's 2FA deletes the member's rows", async () => {
    const { org, user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
    const member = await signedIn(user);
    const own = await signedIn(admin);
    harness.clock.advance(1);
    const reset = await resetMemberTwoFactor(await harness.deps(), {
      actor: { userId: admin.id, organizationId: org.id },
      targetUserId: user.id,
      request: testRequest(),
      now: harness.clock.now(),
    });
    expect(reset).toMatchObject({ ok: true });
    expect(await sessionRowsOf(handle.db, user.id)).toEqual([]);
    await expectRefused(member.token);
    expect(await own.browser.readSession()).toMatchObject({ userId: admin.id });
  });

  it("a password reset deletes the user's rows", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const { token } = await signedIn(user);
    let delivery: Promise<void> | undefined;
    const resetDeps = { db: handle.db, clock: harness.clock, email: harness.email, appUrl: APP, defer: (task: () => Promise<void>) => void (delivery = task()) };
    await requestPasswordReset(resetDeps, { email: user.email, request: testRequest() });
    await delivery;
    const link = harness.email.lastLinkTo(user.email);
    harness.clock.advance(1);
    const done = await resetPasswordWithToken(resetDeps, { token: link.pathname.split("/").at(-1)!, newPassword: "a brand new passphrase 42", request: testRequest() });
    expect(done).toEqual({ ok: true });
    expect(await sessionRowsOf(handle.db, user.id)).toEqual([]);
    await expectRefused(token);
  });

  it("a session past its fixed 24 hours is refused even when its row's expires was slid forward", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const { browser, token } = await signedIn(user);
    // What a sliding expiry would have written: the row lives on, its sign-in does not.
    const slid = new Date(harness.clock.now().getTime() + 2 * DAY_MS);
    await handle.db.update(sessions).set({ expires: slid }).where(eq(sessions.sessionToken, token));

    harness.clock.advance(DAY_MS - 1);
    expect(await browser.readSession()).toMatchObject({ userId: user.id });
    harness.clock.advance(1);
    const replayed = harness.replayed(token);
    expect(await browser.readSession()).toBeNull();
    expect(await readDatabaseSessionClaims(replayed.cookies, handle.db, harness.clock.now().getTime())).toBeNull();

    // The same with the row's auth time rewritten into the past, judged at the real time next-auth reads.
    await handle.db.update(sessions).set({ authTime: new Date(Date.now() - DAY_MS) }).where(eq(sessions.sessionToken, token));
    expect(await harness.store.readSession(replayed.cookies, Date.now())).toBeNull();
    expect(await readDatabaseSessionClaims(replayed.cookies, handle.db, Date.now())).toBeNull();
  });
});
