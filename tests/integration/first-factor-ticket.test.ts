import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "@/lib/crypto";
import type { DatabaseHandle } from "@/lib/db/client";
import { FIRST_FACTOR_TICKET_TTL_MS, handOffFirstFactor } from "@/lib/two-factor/first-factor";
import { consumeSignInTicket, issueSignInTicket } from "@/lib/two-factor/sign-in-ticket";
import { startFakeOidc, type FakeOidc } from "../fakes/oidc-server";
import { databaseTargets } from "../helpers/databases";
import { APP, continueUrlOf, MOUNT, nextAuthHarness, OIDC_CALLBACK, OIDC_CLIENT, SESSION_COOKIE, setCookieNames, type Harness } from "../helpers/next-auth";
import { anySpelling, LISTED_SPELLINGS, resolvedPortalPath } from "../helpers/return-path-spellings";
import { createOrgUser, enrollUser } from "../helpers/two-factor";

// The single-use ticket next-auth's signIn callback hands to the plugin's continue step: redeemed
// once, for one minute, only as a first factor, only by its exact value; and the step's return path
// (next-auth's callback-url cookie) never leaves the site.

const EXPIRED = "/sign-in?expired=1";
const continueRequest = (ticketQuery: string, cookie?: string) =>
  new Request(`${APP}${MOUNT}/sign-in/continue?ticket=${ticketQuery}`, { headers: { "user-agent": "vitest", ...(cookie ? { cookie } : {}) } });

describe.each(databaseTargets())("the first-factor ticket, on $name", (target) => {
  let handle: DatabaseHandle;
  let oidc: FakeOidc;
  let harness: Harness;
  beforeAll(async () => {
    handle = await target.open();
    oidc = await startFakeOidc({ ...OIDC_CLIENT, redirectUris: [OIDC_CALLBACK] });
    harness = nextAuthHarness(handle.db, { strategy: "jwt", oidc });
  });
  afterAll(async () => {
    await oidc.close();
    await handle.close();
  });

  const handOff = async (userId: string) => handOffFirstFactor(await harness.plugin.deps(), { userId, firstFactor: "pwd" });
  const startsSomething = (response: Response) => setCookieNames(response).some((name) => name === SESSION_COOKIE || name === harness.pendingCookie);

  it("is redeemed once even under 20 concurrent continue requests", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: true });
    await enrollUser(await harness.deps(), user);
    const ticket = continueUrlOf(await harness.browser().passwordSignIn(user.email, user.password)).searchParams.get("ticket")!;

    const answers = await Promise.all(Array.from({ length: 20 }, () => harness.plugin.handler(continueRequest(ticket))));
    const redeemed = answers.filter(startsSomething);
    expect(redeemed).toHaveLength(1);
    expect(redeemed[0]!.headers.get("location")).toBe("/two-factor/challenge");
    for (const refused of answers.filter((answer) => answer !== redeemed[0])) {
      expect(refused.status).toBe(303);
      expect(refused.headers.get("location")).toBe(EXPIRED);
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
  });

  it("expires after 60 seconds", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const late = await handOff(user.id);
    const inTime = await handOff(user.id);
    harness.clock.advance(FIRST_FACTOR_TICKET_TTL_MS - 1);
    expect(startsSomething(await harness.plugin.handler(continueRequest(inTime)))).toBe(true);
    harness.clock.advance(1);
    const answer = await harness.plugin.handler(continueRequest(late));
    expect(answer.headers.get("location")).toBe(EXPIRED);
    expect(answer.headers.getSetCookie()).toEqual([]);
  });

  it("a first-factor ticket is not a session ticket and a session ticket is not a first-factor ticket", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const now = harness.clock.now();
    const firstFactor = await handOff(user.id);
    const session = await issueSignInTicket(handle.db, user.id, ["pwd", "sms"], now, 60_000, "session");

    expect(await consumeSignInTicket(handle.db, firstFactor, now, "session")).toBeNull();
    expect(await consumeSignInTicket(handle.db, session, now, "first_factor")).toBeNull();
    const atContinue = await harness.plugin.handler(continueRequest(session));
    expect(atContinue.headers.get("location")).toBe(EXPIRED);
    expect(atContinue.headers.getSetCookie()).toEqual([]);

    // Neither refusal spent the ticket: each still works where it belongs.
    expect(await consumeSignInTicket(handle.db, session, now, "session")).toEqual({ userId: user.id, amr: ["pwd", "sms"] });
    expect(await consumeSignInTicket(handle.db, firstFactor, now, "first_factor")).toEqual({ userId: user.id, amr: ["pwd"] });
  });

  it("malformed or forged ticket values in the continue URL never set a cookie (fast-check)", async () => {
    const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
    const { user: other } = await createOrgUser(handle.db, { requireTwoFactor: true });
    const live = await handOff(user.id);
    const othersLive = await handOff(other.id);
    const changeOne = (value: string, at: number) => {
      const i = at % value.length;
      return `${value.slice(0, i)}${value[i] === "A" ? "B" : "A"}${value.slice(i + 1)}`;
    };
    const forged = fc.oneof(
      fc.constantFrom(sha256(live), sha256(othersLive), live.toUpperCase(), live.toLowerCase(), live.slice(0, -1), `${live}A`, ` ${live}`, `${live}%00`, `${live}=`),
      fc.nat().map((at) => changeOne(live, at)),
      fc.nat().map((at) => encodeURIComponent(changeOne(othersLive, at))),
      fc.constantFrom(...[...live].map((_, i) => `${live.slice(0, i)}%${live.charCodeAt(i).toString(16)}${live.slice(i + 1)}`)).map((value) => `${value}x`),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/),
      fc.string({ unit: "binary", maxLength: 300 }).map(encodeURIComponent),
      fc.constantFrom("", "%", "%zz", "null", "undefined", "[object Object]", "a".repeat(129), "a".repeat(15), "a".repeat(5000)),
    );
    await fc.assert(
      fc.asyncProperty(forged.filter((value) => value !== live && value !== othersLive), async (value) => {
        const answer = await harness.plugin.handler(continueRequest(value));
        expect(answer.status).toBe(303);
        expect(answer.headers.getSetCookie()).toEqual([]);
        expect(answer.headers.get("location")).toBe(EXPIRED);
      }),
      { numRuns: 150 },
    );
    // The tickets the forgeries were made from were never spent by them.
    expect(await consumeSignInTicket(handle.db, live, harness.clock.now(), "first_factor")).not.toBeNull();
    expect(await consumeSignInTicket(handle.db, othersLive, harness.clock.now(), "first_factor")).not.toBeNull();
  });

  describe("the return path after a next-auth sign-in never leaves the site", () => {
    const sameOriginPath = (location: string | null) => {
      expect(location).toMatch(/^\/(?![/\\])/);
      expect(new URL(location!, APP).origin).toBe(APP);
      expect([...location!].some((c) => c.charCodeAt(0) < 0x20 || c === "\\"), `control character or backslash in ${location}`).toBe(false);
    };
    const withCallbackCookie = async (userId: string, value: string) =>
      harness.plugin.handler(continueRequest(await handOff(userId), `authjs.callback-url=${encodeURIComponent(value)}`));

    it("keeps a same-origin callback URL as its path and query", async () => {
      const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
      expect((await withCallbackCookie(user.id, `${APP}/reports?week=2`)).headers.get("location")).toBe("/reports?week=2");
      expect((await withCallbackCookie(user.id, "/reports")).headers.get("location")).toBe("/reports");
      await fc.assert(
        fc.asyncProperty(resolvedPortalPath.filter((path) => !path.includes("#")), async (path) => {
          expect((await withCallbackCookie(user.id, `${APP}${path}`)).headers.get("location")).toBe(path);
        }),
        { numRuns: 30 },
      );
    });

    it("sends generated other-origin, protocol-relative, backslashed and encoded callback URLs to a same-origin path (fast-check)", async () => {
      const { user } = await createOrgUser(handle.db, { requireTwoFactor: false });
      const otherOrigins = fc.oneof(
        anySpelling,
        fc.constantFrom(...LISTED_SPELLINGS),
        fc.webUrl({ withQueryParameters: true }),
        fc.constantFrom("http://localhost:3000@evil.example/", "http://localhost:3000.evil.example/", "https://localhost:3000/x", "http://LOCALHOST:3001/", "//localhost:3000//evil.example"),
        anySpelling.map((spelling) => `${APP}${spelling}`),
        anySpelling.map(encodeURIComponent),
      );
      await fc.assert(
        fc.asyncProperty(otherOrigins, async (value) => {
          const answer = await withCallbackCookie(user.id, value);
          expect(answer.status).toBe(303);
          sameOriginPath(answer.headers.get("location"));
        }),
        { numRuns: 200 },
      );
    });
  });
});
