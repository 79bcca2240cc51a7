import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decideGate, decideGateFromCookies } from "@/lib/auth/gate";
import { isWithinSessionLifetime, readSessionClaims } from "@/lib/auth/session-token";

const SECRET = "a-test-auth-secret-of-at-least-32-characters!";
const NOW = Date.parse("2026-11-28T10:00:00Z");
const DAY = 86_400_000;

function jar(cookies: Record<string, string>) {
  return {
    get: (name: string) => (name in cookies ? { value: cookies[name]! } : undefined),
    getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
  };
}

const token = (claims: Record<string, unknown>, salt = "authjs.session-token", maxAge = DAY / 1000) =>
  encode({ token: { sub: "user-1", amr: ["pwd", "sms"], authTime: NOW - 1_000, ...claims }, secret: SECRET, salt, maxAge });

describe("the gate reads only the cookies its decision needs", () => {
  const paths = ["/", "/account-settings", "/api/members", "/sign-in", "/api/auth/session", "/two-factor", "/two-factor/challenge"];

  it("decides exactly as decideGate does with both cookies read, for every path and cookie state", async () => {
    for (const pathname of paths) {
      for (const hasSession of [false, true]) {
        for (const hasPendingSignIn of [false, true]) {
          const route = { pathname, search: "?x=1", isApi: pathname.startsWith("/api/") };
          const lazy = await decideGateFromCookies(route, { hasSession: async () => hasSession, hasPendingSignIn: async () => hasPendingSignIn });
          expect(lazy, `${pathname} session=${hasSession} pending=${hasPendingSignIn}`).toEqual(decideGate({ ...route, hasSession, hasPendingSignIn }));
        }
      }
    }
  });

  it("decrypts nothing on public paths, only the session on a signed-in page, only the pending sign-in on the two-factor pages", async () => {
    const reads: string[] = [];
    const cookies = {
      hasSession: async () => (reads.push("session"), true),
      hasPendingSignIn: async () => (reads.push("pending"), true),
    };
    await decideGateFromCookies({ pathname: "/sign-in", search: "", isApi: false }, cookies);
    expect(reads).toEqual([]);
    await decideGateFromCookies({ pathname: "/", search: "", isApi: false }, cookies);
    expect(reads).toEqual(["session"]);
    await decideGateFromCookies({ pathname: "/two-factor/challenge", search: "", isApi: false }, cookies);
    expect(reads).toEqual(["session", "pending"]);
  });
});

describe("the session cookie, decoded on the server and at the edge", () => {
  it("yields the user, the methods and the time of sign-in of a valid cookie", async () => {
    expect(await readSessionClaims(jar({ "authjs.session-token": await token({}) }), SECRET, NOW)).toEqual({
      userId: "user-1",
      amr: ["pwd", "sms"],
      authTime: NOW - 1_000,
    });
  });

  it("refuses a tampered cookie, one sealed with another secret, and one moved to the __Secure- name", async () => {
    const valid = await token({});
    const tampered = `${valid.slice(0, -4)}${valid.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    expect(await readSessionClaims(jar({ "authjs.session-token": tampered }), SECRET, NOW)).toBeNull();
    expect(await readSessionClaims(jar({ "authjs.session-token": valid }), `${SECRET}-other`, NOW)).toBeNull();
    expect(await readSessionClaims(jar({ "__Secure-authjs.session-token": valid }), SECRET, NOW)).toBeNull();
    expect(await readSessionClaims(jar({ "__Secure-authjs.session-token": await token({}, "__Secure-authjs.session-token") }), SECRET, NOW)).not.toBeNull();
  });

  it("a session is refused 24 hours after sign-in even when its cookie was re-issued with a later expiry (no sliding)", async () => {
    const refreshed = await token({ authTime: NOW - DAY - 1 }, "authjs.session-token", 7 * DAY);
    expect(await readSessionClaims(jar({ "authjs.session-token": refreshed }), SECRET, NOW)).toBeNull();
    expect(isWithinSessionLifetime(NOW - DAY + 1, NOW)).toBe(true);
    expect(isWithinSessionLifetime(NOW - DAY, NOW)).toBe(false);
    expect(isWithinSessionLifetime(0, NOW)).toBe(false);
  });

  it("refuses a cookie whose token expired, or whose header asks for another algorithm", async () => {
    const expired = await encode({ token: { sub: "user-1", authTime: Date.now() - 1_000 }, secret: SECRET, salt: "authjs.session-token", maxAge: -60 });
    expect(await readSessionClaims(jar({ "authjs.session-token": expired }), SECRET, Date.now())).toBeNull();
    const valid = await token({});
    const [, ...rest] = valid.split(".");
    const otherAlg = Buffer.from(JSON.stringify({ alg: "dir", enc: "A128CBC-HS256" })).toString("base64url");
    expect(await readSessionClaims(jar({ "authjs.session-token": [otherAlg, ...rest].join(".") }), SECRET, NOW)).toBeNull();
    expect(await readSessionClaims(jar({ "authjs.session-token": "not.a.token" }), SECRET, NOW)).toBeNull();
  });

  it("reads a cookie split into chunks, in the order of their numbers", async () => {
    const value = await token({});
    const cut = Math.floor(value.length / 2);
    const chunks = jar({ "authjs.session-token.1": value.slice(cut), "authjs.session-token.0": value.slice(0, cut) });
    expect(await readSessionClaims(chunks, SECRET, NOW)).toMatchObject({ userId: "user-1" });
  });

  it("gives nothing without a cookie or without a secret", async () => {
    expect(await readSessionClaims(jar({}), SECRET, NOW)).toBeNull();
    expect(await readSessionClaims(jar({ "authjs.session-token": await token({}) }), undefined, NOW)).toBeNull();
  });
});
