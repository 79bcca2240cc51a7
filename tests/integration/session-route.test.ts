import { eq } from "drizzle-orm";
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/config.edge";
import { markSessionEnded } from "@/lib/auth/ended-sessions";
import { loadLiveSession } from "@/lib/auth/live-session";
import { sessionTokenFor } from "@/lib/auth/session-cookie";
import { withSessionJudgedByServer } from "@/lib/auth/session-route";
import { encodeSessionToken, type CookieJar } from "@/lib/auth/session-token";
import type { DatabaseHandle } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser } from "../helpers/fixtures";

const SECRET = "a-test-auth-secret-of-at-least-32-characters!";
const ORIGIN = "http://localhost:3000";
const NAME = "authjs.session-token";
const HOUR = 3_600_000;

// next-auth's own handlers, as app/api/auth/[...nextauth]/route.ts serves them.
const { handlers } = NextAuth({ ...authConfig, secret: SECRET });

describe.each(databaseTargets())("next-auth's routes and the server-side check on $name", (target) => {
  let handle: DatabaseHandle;
  let GET: ReturnType<typeof withSessionJudgedByServer>;
  let POST: ReturnType<typeof withSessionJudgedByServer>;
  beforeAll(async () => {
    handle = await target.open();
    const isLive = async (cookies: CookieJar) => (await loadLiveSession(cookies, SECRET, Date.now(), async () => handle.db)) !== null;
    GET = withSessionJudgedByServer(handlers.GET, isLive);
    POST = withSessionJudgedByServer(handlers.POST, isLive);
  });
  afterAll(() => handle.close());

  /** A user whose sessions are valid from long ago, so only the case under test refuses one. */
  async function user() {
    const created = await createUser(handle.db, { organizationId: (await createOrganization(handle.db)).id });
    await handle.db.update(users).set({ sessionsValidAfter: new Date(0) }).where(eq(users.id, created.id));
    return created;
  }

  const session = (userId: string, authTime = Date.now(), name = NAME) => sessionTokenFor({ userId, amr: ["pwd", "sms"], authTime }, SECRET, name);

  async function csrf(): Promise<{ token: string; cookie: string }> {
    const answer = await handlers.GET(new NextRequest(`${ORIGIN}/api/auth/csrf`));
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith("authjs.csrf-token="))!.split(";")[0]!;
    return { token: ((await answer.json()) as { csrfToken: string }).csrfToken, cookie };
  }

  /** GET and POST (next-auth's update(), with a valid CSRF token) of /api/auth/session with this cookie header. */
  async function askSession(cookie: string) {
    const get = await GET(new NextRequest(`${ORIGIN}/api/auth/session`, { headers: { cookie } }));
    const { token, cookie: csrfCookie } = await csrf();
    const post = await POST(
      new NextRequest(`${ORIGIN}/api/auth/session`, {
        method: "POST",
        headers: { cookie: `${cookie}; ${csrfCookie}`, "content-type": "application/json" },
        body: JSON.stringify({ csrfToken: token, data: { amr: ["pwd", "sms"] } }),
      }),
    );
    return { get, post, bodies: [await get.json(), await post.json()] as unknown[] };
  }

  const cleared = (answer: Response, name = NAME) => answer.headers.getSetCookie().some((c) => c.startsWith(`${name}=;`) && /Max-Age=0/i.test(c));

  it("a live session gets next-auth's own answer, GET and POST: its user, the methods used and the sign-in time", async () => {
    const { id } = await user();
    const authTime = Date.now();
    const { get, post, bodies } = await askSession(`${NAME}=${await session(id, authTime)}`);
    for (const body of bodies) expect(body).toMatchObject({ user: { id }, amr: ["pwd", "sms"], authTime });
    expect(get.status).toBe(200);
    expect(post.status).toBe(200);
    expect(cleared(get)).toBe(false);
  });

  it.each([
    [
      "signed out (a copy kept from before sign-out)",
      async (userId: string, authTime: number) => markSessionEnded(handle.db, userId, authTime, new Date()),
    ],
    [
      "issued before a password reset or an admin's 2FA reset (sessions_valid_after)",
      async (userId: string, authTime: number) => {
        await handle.db.update(users).set({ sessionsValidAfter: new Date(authTime + 1) }).where(eq(users.id, userId));
      },
    ],
    [
      "of a user who no longer exists",
      async (userId: string) => {
        await handle.db.delete(users).where(eq(users.id, userId));
      },
    ],
  ])("a session %s: GET and POST /api/auth/session answer null, as for no session, and clear the cookie", async (_, endIt) => {
    const { id } = await user();
    const authTime = Date.now() - 60_000;
    const cookie = `${NAME}=${await session(id, authTime)}`;
    expect((await askSession(cookie)).bodies[0], "live before").toMatchObject({ user: { id } });
    await endIt(id, authTime);
    const { get, post, bodies } = await askSession(cookie);
    expect(bodies).toEqual([null, null]);
    expect(cleared(get)).toBe(true);
    expect(cleared(post)).toBe(true);
  });

  it("a session past its fixed lifetime answers null, though next-auth's own route slid its token's expiry", async () => {
    const { id } = await user();
    const now = Date.now();
    // What next-auth's session route re-issues an hour before now for a session signed in 25 hours ago.
    const slid = (authTime: number) => encodeSessionToken({ sub: id, amr: ["pwd", "sms"], authTime }, SECRET, NAME, now - HOUR, SESSION_MAX_AGE_SECONDS);
    expect((await askSession(`${NAME}=${await slid(now - 2 * HOUR)}`)).bodies[0], "control: within its lifetime").toMatchObject({ user: { id } });
    const { bodies, get } = await askSession(`${NAME}=${await slid(now - SESSION_MAX_AGE_SECONDS * 1000 - HOUR)}`);
    expect(bodies).toEqual([null, null]);
    expect(cleared(get)).toBe(true);
  });

  it("next-auth answers only for the cookie the server judged: a signed-out copy beside a live session, under the other name or in chunks, is never the answer", async () => {
    const live = await user();
    const gone = await user();
    const goneAuthTime = Date.now() - 60_000;
    const stale = await session(gone.id, goneAuthTime);
    await markSessionEnded(handle.db, gone.id, goneAuthTime, new Date());
    const liveSecure = await session(live.id, Date.now(), `__Secure-${NAME}`);
    const layouts = [
      // The server reads the __Secure- cookie first; next-auth, over http, the other one.
      `__Secure-${NAME}=${liveSecure}; ${NAME}=${stale}`,
      // The server reads a whole cookie before chunks; next-auth joins every cookie under the name.
      `__Secure-${NAME}=${liveSecure}; ${NAME}.0=${stale.slice(0, 100)}; ${NAME}.1=${stale.slice(100)}`,
    ];
    for (const cookie of layouts) {
      for (const body of (await askSession(cookie)).bodies) {
        expect(JSON.stringify(body), cookie.slice(0, 40)).not.toContain(gone.id);
      }
    }
  });

  it("signing out through next-auth's route still works with a refused session cookie, and clears it", async () => {
    const { id } = await user();
    const authTime = Date.now() - 60_000;
    const cookie = `${NAME}=${await session(id, authTime)}`;
    await markSessionEnded(handle.db, id, authTime, new Date());
    const { token, cookie: csrfCookie } = await csrf();
    const answer = await POST(
      new NextRequest(`${ORIGIN}/api/auth/signout`, {
        method: "POST",
        headers: { cookie: `${cookie}; ${csrfCookie}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken: token, callbackUrl: "/sign-in" }).toString(),
      }),
    );
    expect(answer.status).toBe(302);
    expect(cleared(answer)).toBe(true);
  });
});
