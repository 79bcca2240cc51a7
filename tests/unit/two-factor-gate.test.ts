import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { twoFactorGate } from "@/lib/two-factor/gate";

// The plugin's gate with a host's own paths: what it lets through and where it sends the browser
// follow the host's settings, never the portal's.
const host = twoFactorGate({ twoFactorPath: "/account/mfa", signInPath: "/login", publicPaths: ["/login", "/api/auth"], homePath: "/dashboard" });

const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
const pathUnder = (prefix: string) => fc.array(segment, { maxLength: 3 }).map((parts) => [prefix, ...parts].join("/"));
const anyPath = fc.oneof(pathUnder(""), pathUnder("/account/mfa"), pathUnder("/login"), pathUnder("/two-factor"), pathUnder("/sign-in"), pathUnder("/api/x")).map((p) => p || "/");
const state = fc.record({ hasSession: fc.boolean(), hasPendingSignIn: fc.boolean() });

describe("the plugin's gate on a host's paths", () => {
  it("opens the host's two-factor pages only to a pending sign-in, and other non-public pages only to a session", () => {
    fc.assert(
      fc.property(anyPath, state, (pathname, cookies) => {
        const decision = host.decide({ pathname, search: "", isApi: pathname.startsWith("/api/"), ...cookies });
        const isPublic = /^\/(login|api\/auth)(\/|$)/.test(pathname);
        const isTwoFactor = /^\/account\/mfa(\/|$)/.test(pathname);
        if (decision.action === "allow") expect(isPublic || (isTwoFactor ? cookies.hasPendingSignIn : cookies.hasSession)).toBe(true);
        else expect(isPublic).toBe(false);
      }),
    );
  });

  it("sends the browser only to the host's pages: its sign-in (with a return path), its two-factor page or its home", () => {
    fc.assert(
      fc.property(anyPath, fc.constantFrom("", "?a=1", "?next=//evil.example"), state, (pathname, search, cookies) => {
        const decision = host.decide({ pathname, search, isApi: false, ...cookies });
        if (decision.action !== "redirect") return;
        expect(decision.to).toMatch(/^(\/login(\?callbackUrl=%2F[^/]*)?|\/login\?callbackUrl=.*|\/account\/mfa|\/dashboard)$/);
        expect(decision.to.startsWith("/two-factor") || decision.to.startsWith("/sign-in")).toBe(false);
      }),
    );
  });

  it("the portal's own paths mean nothing to the host's gate", () => {
    // The portal's sign-in path is an ordinary page of the host's: kept as the return path.
    expect(host.decide({ pathname: "/sign-in", search: "", isApi: false, hasSession: false, hasPendingSignIn: false })).toEqual({
      action: "redirect",
      to: "/login?callbackUrl=%2Fsign-in",
    });
    // A pending sign-in visiting the portal's two-factor path is sent to the host's.
    expect(host.decide({ pathname: "/two-factor/challenge", search: "", isApi: false, hasSession: false, hasPendingSignIn: true })).toEqual({
      action: "redirect",
      to: "/account/mfa",
    });
    expect(host.decide({ pathname: "/reports", search: "?x=1", isApi: false, hasSession: false, hasPendingSignIn: false })).toEqual({
      action: "redirect",
      to: "/login?callbackUrl=%2Freports%3Fx%3D1",
    });
    expect(host.decide({ pathname: "/account/mfa/challenge", search: "", isApi: false, hasSession: true, hasPendingSignIn: false })).toEqual({
      action: "redirect",
      to: "/dashboard",
    });
  });
});
