import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { twoFactorCookies } from "@/lib/two-factor/cookies";
import { organizationAdminOf, twoFactorChecks, type TwoFactorSession } from "@/lib/two-factor/session";

// The plugin's server-side checks: values a host's page, action or route acts on, never a redirect.

const password = "p".repeat(40);
const cookies = twoFactorCookies({ cookiePrefix: "acme", secureCookies: true, confirmationTtlMs: 600_000 });
const session = (overrides: Partial<TwoFactorSession> = {}): TwoFactorSession => ({
  userId: "u1",
  authTime: Date.parse("2026-12-01T10:00:00Z"),
  amr: ["pwd"],
  organizationId: "o1",
  role: "member",
  ...overrides,
});
const jar = (entries: Record<string, string> = {}) => ({
  get: (name: string) => (name in entries ? { value: entries[name]! } : undefined),
  getAll: () => Object.entries(entries).map(([name, value]) => ({ name, value })),
});

describe("organizationAdminOf", () => {
  it("only an owner or admin with an organization passes; nobody signed in is UNAUTHENTICATED, anyone else FORBIDDEN", () => {
    expect(organizationAdminOf(null)).toEqual({ ok: false, code: "UNAUTHENTICATED" });
    fc.assert(
      fc.property(fc.constantFrom("owner", "admin", "member", null), fc.option(fc.string({ minLength: 1 })), (role, organizationId) => {
        const checked = organizationAdminOf(session({ role: role as TwoFactorSession["role"], organizationId }));
        const admin = (role === "owner" || role === "admin") && Boolean(organizationId);
        expect(checked).toEqual(admin ? { ok: true, session: expect.objectContaining({ role, organizationId }) } : { ok: false, code: "FORBIDDEN" });
      }),
    );
  });
});

describe("checks.recentSecondFactor", () => {
  const at = (iso: string) => new Date(iso);
  const checks = twoFactorChecks({ getSession: async () => null, cookies, sessionPassword: password, confirmationTtlMs: 600_000, now: () => at("2026-12-01T10:05:00Z") });

  it("a sign-in with a second factor counts for confirmationTtlMs; a password-only one does not", async () => {
    expect(await checks.recentSecondFactor(jar(), session({ amr: ["pwd", "sms"] }))).toBe(true);
    expect(await checks.recentSecondFactor(jar(), session({ amr: ["pwd", "backup_code"] }), at("2026-12-01T10:10:00Z"))).toBe(false);
    expect(await checks.recentSecondFactor(jar(), session({ amr: ["pwd", "trusted_device"] }))).toBe(false);
  });

  it("a confirmation counts for its own session only, and only for confirmationTtlMs", async () => {
    const confirmed = await cookies.confirmation.set({ userId: "u1", authTime: session().authTime, at: at("2026-12-01T10:04:00Z").getTime() }, password);
    const withCookie = jar({ [confirmed.name]: confirmed.value });
    expect(await checks.recentSecondFactor(withCookie, session())).toBe(true);
    expect(await checks.recentSecondFactor(withCookie, session({ userId: "u2" }))).toBe(false);
    expect(await checks.recentSecondFactor(withCookie, session({ authTime: session().authTime + 1 }))).toBe(false);
    expect(await checks.recentSecondFactor(withCookie, session(), at("2026-12-01T10:14:00Z"))).toBe(false);
    const tampered = `${confirmed.value.slice(0, 40)}${confirmed.value[40] === "A" ? "B" : "A"}${confirmed.value.slice(41)}`;
    expect(await checks.recentSecondFactor(jar({ [confirmed.name]: tampered }), session())).toBe(false);
  });

  it("checks.session is the host's answer, asked with the cookies and the plugin's clock", async () => {
    const asked: Date[] = [];
    const host = twoFactorChecks({ getSession: async (_c, now) => (asked.push(now), session()), cookies, sessionPassword: password, confirmationTtlMs: 1, now: () => at("2026-12-01T10:05:00Z") });
    expect(await host.session(jar())).toEqual(session());
    expect(asked).toEqual([at("2026-12-01T10:05:00Z")]);
  });
});
