import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIRMATION_TTL_SECONDS, twoFactorCookies, type CookieReader, type CookieInstruction } from "@/lib/two-factor/cookies";
import { DEFAULT_TWO_FACTOR_OPTIONS } from "@/lib/two-factor/options";
import { stagePath, twoFactorPaths } from "@/lib/two-factor/paths";
import { PENDING_SIGN_IN_TTL_SECONDS, type PendingSignIn } from "@/lib/two-factor/pending-sign-in";

const password = "p".repeat(32);
const now = Date.parse("2026-11-28T10:00:00Z");
const pending: PendingSignIn = { userId: "u1", nonce: "n1", stage: "challenge", createdAt: now, returnTo: "/" };
const readerOf = (...set: CookieInstruction[]): CookieReader => {
  const jar = new Map(set.map((c) => [c.name, c.value]));
  return { get: (name) => (jar.has(name) ? { value: jar.get(name)! } : undefined) };
};

describe("the flow's cookies", () => {
  it("are named as before by default: __Host-c2fa-* over https, c2fa-* on a plain-http development server", () => {
    const secure = twoFactorCookies(DEFAULT_TWO_FACTOR_OPTIONS).names;
    expect(secure).toEqual({
      pendingSignIn: "__Host-c2fa-pending",
      trustedDevice: "__Host-c2fa-device",
      signInEmail: "__Host-c2fa-sign-in-email",
      confirmation: "__Host-c2fa-confirmed",
    });
    expect(Object.values(twoFactorCookies({ cookiePrefix: "c2fa", secureCookies: false }).names)).toEqual([
      "c2fa-pending",
      "c2fa-device",
      "c2fa-sign-in-email",
      "c2fa-confirmed",
    ]);
  });

  it("carry the same attributes as before: httpOnly, SameSite=Lax, path /, Secure when the site is https", async () => {
    const cookies = twoFactorCookies(DEFAULT_TWO_FACTOR_OPTIONS);
    const base = { httpOnly: true, secure: true, sameSite: "lax", path: "/" };
    const expires = new Date(now + 30 * 86_400_000);
    expect((await cookies.pendingSignIn.set(pending, password)).attributes).toEqual({ ...base, maxAge: PENDING_SIGN_IN_TTL_SECONDS });
    expect(cookies.pendingSignIn.clear()).toEqual({ name: "__Host-c2fa-pending", value: "", attributes: { ...base, maxAge: 0 } });
    expect(cookies.trustedDevice.set("token", expires)).toEqual({ name: "__Host-c2fa-device", value: "token", attributes: { ...base, expires } });
    expect(cookies.signInEmail.set("a@example.com").attributes).toEqual({ ...base, maxAge: 2 * PENDING_SIGN_IN_TTL_SECONDS });
    const confirmed = await cookies.confirmation.set({ userId: "u1", authTime: 1, at: now }, password);
    expect(confirmed.attributes).toEqual({ ...base, maxAge: CONFIRMATION_TTL_SECONDS });
    expect(twoFactorCookies({ cookiePrefix: "c2fa", secureCookies: false }).trustedDevice.set("t", expires).attributes.secure).toBe(false);
  });

  it("take every name from a host's cookie prefix, and read only their own names", async () => {
    const acme = twoFactorCookies({ cookiePrefix: "acme-2fa", secureCookies: true });
    const ours = twoFactorCookies(DEFAULT_TWO_FACTOR_OPTIONS);
    const instructions = [
      await acme.pendingSignIn.set(pending, password),
      acme.pendingSignIn.clear(),
      acme.trustedDevice.set("token", new Date(now)),
      acme.signInEmail.set("a@example.com"),
      await acme.confirmation.set({ userId: "u1", authTime: 1, at: now }, password),
    ];
    for (const { name } of instructions) expect(name).toMatch(/^__Host-acme-2fa-(pending|device|sign-in-email|confirmed)$/);
    const sealed = readerOf(await acme.pendingSignIn.set(pending, password));
    expect(await acme.pendingSignIn.read(sealed, password, now)).toEqual(pending);
    expect(await ours.pendingSignIn.read(sealed, password, now)).toBeNull();
  });

  it("hold their values: the pending sign-in and the confirmation sealed, the email only if it can be one", async () => {
    const cookies = twoFactorCookies(DEFAULT_TWO_FACTOR_OPTIONS);
    // A user id long enough that random sealed bytes never spell it (a 2-character one sometimes did).
    const userId = "user-id-that-must-never-show-in-the-cookie";
    const sealedPending = await cookies.pendingSignIn.set({ ...pending, userId }, password);
    expect(sealedPending.value).not.toContain(userId);
    expect(sealedPending.value).not.toContain(Buffer.from(userId).toString("base64url").slice(0, 20));
    expect(await cookies.pendingSignIn.read(readerOf(sealedPending), "q".repeat(32), now)).toBeNull();
    const confirmed = readerOf(await cookies.confirmation.set({ userId: "u1", authTime: 7, at: now }, password));
    expect(await cookies.confirmation.read(confirmed, { userId: "u1", authTime: 7 }, password, now)).toBe(now);
    expect(await cookies.confirmation.read(confirmed, { userId: "u1", authTime: 8 }, password, now)).toBeNull();
    expect(await cookies.confirmation.read(confirmed, { userId: "u2", authTime: 7 }, password, now)).toBeNull();
    expect(cookies.signInEmail.read(readerOf(cookies.signInEmail.set("a@example.com")))).toBe("a@example.com");
    expect(cookies.signInEmail.read(readerOf(cookies.signInEmail.set(`${"a".repeat(250)}@b.co`)))).toBeUndefined();
  });
});

describe("the flow's paths", () => {
  it("are the portal's by default and follow a host's two-factor and sign-in paths", () => {
    const ours = twoFactorPaths(DEFAULT_TWO_FACTOR_OPTIONS);
    expect([ours.setup, ours.challenge, ours.signInExpired, ours.signInEnded]).toEqual([
      "/two-factor/setup",
      "/two-factor/challenge",
      "/sign-in?expired=1",
      "/sign-in?ended=1",
    ]);
    const host = twoFactorPaths({ twoFactorPath: "/account/mfa", signInPath: "/login", setupDonePath: "/welcome" });
    expect([stagePath(host, "setup"), stagePath(host, "challenge"), host.signInExpired, host.signInEnded]).toEqual([
      "/account/mfa/setup",
      "/account/mfa/challenge",
      "/login?expired=1",
      "/login?ended=1",
    ]);
  });
});

// The middleware reads these cookies, so the module and what it imports must run on the edge.
describe("the cookie module", () => {
  const runtimeImports = (file: string) =>
    [...readFileSync(file, "utf8").matchAll(/^import (?!type )[^;]*?from "([^"]+)";/gms)].map((m) => m[1]!);
  const reachable = (entry: string, seen = new Set<string>()): Set<string> => {
    for (const spec of runtimeImports(entry)) {
      if (!spec.startsWith(".")) {
        seen.add(spec);
        continue;
      }
      const file = `${resolve(dirname(entry), spec)}.ts`;
      if (seen.has(file)) continue;
      seen.add(file);
      reachable(file, seen);
    }
    return seen;
  };

  it("reaches no Node-only module", () => {
    const reached = [...reachable(join(process.cwd(), "lib/two-factor/cookies.ts"))];
    expect(reached).toContain("iron-session");
    const node = new Set(builtinModules);
    expect(reached.filter((spec) => spec.startsWith("node:") || node.has(spec) || /\/db\/|drizzle|argon2|next\//.test(spec))).toEqual([]);
  });
});

describe("the lives a host sets", () => {
  const host = twoFactorCookies({ cookiePrefix: "acme", secureCookies: true, pendingSignInTtlMs: 2 * 60_000, confirmationTtlMs: 5 * 60_000 });

  it("a pending sign-in lives as long as the host's pendingSignInTtlMs: its cookie's max-age, and no longer when read", async () => {
    const cookie = await host.pendingSignIn.set(pending, password);
    expect(cookie.attributes.maxAge).toBe(120);
    expect(host.signInEmail.set("a@example.com").attributes.maxAge).toBe(240);
    const jar = readerOf(cookie);
    for (const [ageMs, live] of [[0, true], [119_000, true], [121_000, false], [9 * 60_000, false]] as const) {
      expect(await host.pendingSignIn.read(jar, password, now + ageMs), `${ageMs} ms old`).toEqual(live ? pending : null);
    }
    // The default keeps the ten minutes.
    const ours = twoFactorCookies(DEFAULT_TWO_FACTOR_OPTIONS);
    expect(await ours.pendingSignIn.read(readerOf(await ours.pendingSignIn.set(pending, password)), password, now + 9 * 60_000)).toEqual(pending);
  });

  it("a confirmation's cookie lives as long as the host's confirmationTtlMs", async () => {
    const cookie = await host.confirmation.set({ userId: "u1", authTime: 1, at: now }, password);
    expect(cookie.attributes.maxAge).toBe(300);
  });
});
