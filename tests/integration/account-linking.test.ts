import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { signInTickets, users } from "@/lib/db/schema";
import { startFakeOidc, userFor, type FakeOidc } from "../fakes/oidc-server";
import { databaseTargets } from "../helpers/databases";
import { createUser } from "../helpers/fixtures";
import { accountRowsOf, APP, continueUrlOf, nextAuthHarness, OIDC_CALLBACK, OIDC_CLIENT, SESSION_COOKIE, sessionRowsOf, type Harness } from "../helpers/next-auth";

// Property: an outside identity (OIDC) becomes a user of the portal only through a verified
// email: it links to the user with that address (whatever its spelling), or makes a new one; an
// unverified one links to nobody, and the host's own signIn callback is asked first.

const unique = () => crypto.randomUUID().slice(0, 8);

describe.each(databaseTargets())("OIDC account linking, on $name", (target) => {
  let handle: DatabaseHandle;
  let oidc: FakeOidc;
  let harness: Harness;
  const onUserCreated = vi.fn(async () => {});
  beforeAll(async () => {
    handle = await target.open();
    oidc = await startFakeOidc({ ...OIDC_CLIENT, redirectUris: [OIDC_CALLBACK] });
    harness = nextAuthHarness(handle.db, { strategy: "database", oidc, onUserCreated });
  });
  afterAll(async () => {
    await oidc.close();
    await handle.close();
  });

  const usersWithEmail = async (email: string) => handle.db.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
  const ticketsOf = async (userId: string) => handle.db.select().from(signInTickets).where(eq(signInTickets.userId, userId));

  /** Signs in through the fake provider and follows the continue step: the session's user, or null. */
  async function signInAndContinue(email: string) {
    const browser = harness.browser();
    const callback = await browser.oidcSignIn(email);
    expect(callback.setCookies).not.toContain(SESSION_COOKIE);
    await browser.send(continueUrlOf(callback));
    return browser.readSession();
  }

  it("an unverified OIDC email links to no user: back to the sign-in page, no account, no session, no ticket", async () => {
    const user = await createUser(handle.db, { email: `dana-${unique()}@example.com` });
    oidc.addUser(userFor(user.email, "Dana", false));
    const browser = harness.browser();
    const callback = await browser.oidcSignIn(user.email);
    expect(callback.location?.href).toBe(`${APP}/sign-in?error=EmailNotVerified`);
    expect(callback.setCookies).not.toContain(SESSION_COOKIE);
    expect(await accountRowsOf(handle.db, user.id)).toEqual([]);
    expect(await sessionRowsOf(handle.db, user.id)).toEqual([]);
    expect(await ticketsOf(user.id)).toEqual([]);

    // Nor does an unverified email unknown to the portal make a user.
    const stranger = `eve-${unique()}@example.com`;
    oidc.addUser(userFor(stranger, "Eve", false));
    expect((await harness.browser().oidcSignIn(stranger)).location?.href).toBe(`${APP}/sign-in?error=EmailNotVerified`);
    expect(await usersWithEmail(stranger)).toEqual([]);
  });

  it("a verified OIDC email links to the user with it; the next sign-in finds the account even after the email changed at the provider", async () => {
    const user = await createUser(handle.db, { email: `finn-${unique()}@example.com` });
    const identity = userFor(user.email, "Finn", true);
    oidc.addUser(identity);
    expect(await signInAndContinue(user.email)).toMatchObject({ userId: user.id, amr: ["oidc"] });
    expect(await accountRowsOf(handle.db, user.id)).toEqual([expect.objectContaining({ provider: "oidc", providerAccountId: identity.sub, userId: user.id })]);

    const changed = `finn.new-${unique()}@example.com`;
    oidc.users.delete(user.email.toLowerCase());
    oidc.addUser({ ...identity, email: changed });
    expect(await signInAndContinue(changed)).toMatchObject({ userId: user.id, amr: ["oidc"] });
    expect(await usersWithEmail(changed)).toEqual([]);
    expect(await accountRowsOf(handle.db, user.id)).toHaveLength(1);
    expect(onUserCreated).not.toHaveBeenCalledWith(expect.objectContaining({ id: user.id }), expect.anything());
  });

  it("a verified OIDC email new to the portal makes one user, and onUserCreated is called once", async () => {
    const email = `gale-${unique()}@example.com`;
    oidc.addUser(userFor(email, "Gale", true));
    const calls = onUserCreated.mock.calls.length;
    const first = await signInAndContinue(email);
    const [created] = await usersWithEmail(email);
    expect(created).toBeDefined();
    expect(created!.emailVerified).toBeInstanceOf(Date);
    expect(first).toMatchObject({ userId: created!.id, amr: ["oidc"] });
    expect(onUserCreated.mock.calls.slice(calls)).toEqual([[{ id: created!.id, email }, "oidc"]]);

    expect(await signInAndContinue(email)).toMatchObject({ userId: created!.id });
    expect(await usersWithEmail(email)).toHaveLength(1);
    expect(onUserCreated.mock.calls.length).toBe(calls + 1);
  });

  it("spellings of an existing user's address (case, surrounding spaces) link to that one user, never a second (fast-check)", async () => {
    const user = await createUser(handle.db, { email: `hana-${unique()}@example.com` });
    const spelling = fc
      .tuple(fc.array(fc.boolean(), { minLength: user.email.length, maxLength: user.email.length }), fc.constantFrom("", " ", "  ", "\t"), fc.constantFrom("", " ", " \t"))
      .map(([upper, before, after]) => `${before}${[...user.email].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("")}${after}`);
    const calls = onUserCreated.mock.calls.length;
    await fc.assert(
      fc.asyncProperty(spelling, fc.constantFrom("oidc", "emailLink"), async (spelled, flow) => {
        const browser = harness.browser();
        let callback;
        if (flow === "oidc") {
          // A new identity at the provider each time, whose email claim is this spelling.
          oidc.users.set(user.email, { sub: `sub-${unique()}`, email: spelled, emailVerified: true, name: "Hana" });
          callback = await browser.oidcSignIn(user.email);
        } else {
          callback = await browser.emailLinkSignIn(spelled);
        }
        await browser.send(continueUrlOf(callback));
        expect(await browser.readSession()).toMatchObject({ userId: user.id });
        expect(await usersWithEmail(user.email)).toHaveLength(1);
      }),
      { numRuns: 12 },
    );
    expect(onUserCreated.mock.calls.length).toBe(calls);
  });

  it("a host signIn callback that refuses is asked before any user is made", async () => {
    const hostSignIn = vi.fn(async () => false);
    const refusing = nextAuthHarness(handle.db, { strategy: "database", oidc, signIn: hostSignIn, onUserCreated });
    const email = `ira-${unique()}@example.com`;
    oidc.addUser(userFor(email, "Ira", true));
    const calls = onUserCreated.mock.calls.length;
    const callback = await refusing.browser().oidcSignIn(email);
    expect(hostSignIn).toHaveBeenCalledTimes(1);
    // The portal's sign-in page, where it shows next-auth's errors (pages.error), not the plugin's continue step.
    expect(callback.location?.pathname).toBe("/sign-in");
    expect(callback.location?.searchParams.get("error")).toBe("AccessDenied");
    expect(callback.setCookies).not.toContain(SESSION_COOKIE);
    expect(await usersWithEmail(email)).toEqual([]);
    expect(onUserCreated.mock.calls.length).toBe(calls);
  });
});
