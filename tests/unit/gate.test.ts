import { describe, expect, it } from "vitest";
import { decideGate, type GateInput } from "@/lib/auth/gate";

const anonymous: Omit<GateInput, "pathname"> = { search: "", hasSession: false, hasPendingSignIn: false, isApi: false };

describe("the middleware gate", () => {
  it("sends an anonymous visitor of a protected page to sign-in with a relative return path", () => {
    expect(decideGate({ ...anonymous, pathname: "/account-settings", search: "?a=1" })).toEqual({
      action: "redirect",
      to: "/sign-in?callbackUrl=%2Faccount-settings%3Fa%3D1",
    });
    expect(decideGate({ ...anonymous, pathname: "/" })).toEqual({ action: "redirect", to: "/sign-in" });
  });

  it("lets anyone reach sign-in, password reset and the auth routes", () => {
    for (const pathname of ["/sign-in", "/password-reset", "/password-reset/abc", "/api/auth/session"]) {
      expect(decideGate({ ...anonymous, pathname })).toEqual({ action: "allow" });
    }
  });

  it("does not treat a look-alike path as public", () => {
    expect(decideGate({ ...anonymous, pathname: "/sign-in-admin" }).action).toBe("redirect");
    expect(decideGate({ ...anonymous, pathname: "/api/authx", isApi: true }).action).toBe("deny");
  });

  it("answers an anonymous API request with 401, not a redirect", () => {
    expect(decideGate({ ...anonymous, pathname: "/api/members", isApi: true })).toEqual({ action: "deny", status: 401 });
  });

  it("lets a signed-in user through, and leaves sign-in to the server (the cookie may be stale)", () => {
    const signedIn = { ...anonymous, hasSession: true };
    expect(decideGate({ ...signedIn, pathname: "/account-settings" })).toEqual({ action: "allow" });
    expect(decideGate({ ...signedIn, pathname: "/sign-in" })).toEqual({ action: "allow" });
  });

  it("keeps a pending sign-in (password done, second factor not) inside the two-factor pages", () => {
    const pending = { ...anonymous, hasPendingSignIn: true };
    expect(decideGate({ ...pending, pathname: "/two-factor" })).toEqual({ action: "allow" });
    expect(decideGate({ ...pending, pathname: "/account-settings" })).toEqual({ action: "redirect", to: "/two-factor" });
    expect(decideGate({ ...pending, pathname: "/api/anything", isApi: true }).action).toBe("deny");
  });

  it("lets a pending sign-in (no session) post to the plugin's route, which checks the sign-in itself; a look-alike API path stays closed", () => {
    const pending = { ...anonymous, hasPendingSignIn: true, isApi: true };
    for (const pathname of ["/api/two-factor/challenge/verify", "/api/two-factor/setup/send"]) {
      expect(decideGate({ ...pending, pathname })).toEqual({ action: "allow" });
    }
    expect(decideGate({ ...pending, pathname: "/api/two-factorx/setup/send" })).toEqual({ action: "deny", status: 401 });
  });

  it("lets the apps' bearer-token API through with no session or a pending sign-in (its routes check the token themselves); a look-alike path stays closed", () => {
    for (const pathname of ["/api/v1/me", "/api/v1/security", "/api/v1/openapi.json"]) {
      for (const state of [anonymous, { ...anonymous, hasPendingSignIn: true }, { ...anonymous, hasSession: true }]) {
        expect(decideGate({ ...state, pathname, isApi: true })).toEqual({ action: "allow" });
      }
    }
    expect(decideGate({ ...anonymous, pathname: "/api/v1x/me", isApi: true })).toEqual({ action: "deny", status: 401 });
    expect(decideGate({ ...anonymous, pathname: "/api/v2/me", isApi: true })).toEqual({ action: "deny", status: 401 });
  });

  it("does not open the two-factor pages without a pending sign-in", () => {
    expect(decideGate({ ...anonymous, pathname: "/two-factor" })).toEqual({ action: "redirect", to: "/sign-in" });
  });
});
