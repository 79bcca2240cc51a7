import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyRedirectUri, redirectUriMatches } from "@/lib/oauth/redirect-uri";
import { editedSpelling, exactlyAllowed, REGISTERED } from "../helpers/redirect-uri-spellings";

const WITHOUT_V6 = [REGISTERED.claimedHttps, REGISTERED.privateUse, REGISTERED.loopback];
const ALL = Object.values(REGISTERED);
const RUNS = { numRuns: 3000 };

describe("redirect URIs are matched exactly (RFC 8252 §7, RFC 6749 §3.1.2.3)", () => {
  it("each registered URI matches itself", () => {
    for (const uri of ALL) expect(redirectUriMatches(ALL, uri)).toBe(true);
  });

  it("a registered loopback URI matches with any port 1-65535, and only the port varies (RFC 8252 §7.3)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_535 }), fc.constantFrom(REGISTERED.loopback, REGISTERED.loopbackV6), (port, uri) => {
        const withPort = uri.replace(/^(http:\/\/(?:127\.0\.0\.1|\[::1\]))/, `$1:${port}`);
        expect(redirectUriMatches(ALL, withPort)).toBe(true);
        expect(redirectUriMatches(ALL, `${withPort}/`)).toBe(false);
        expect(redirectUriMatches(ALL, withPort.replace("/callback", "/callbacK"))).toBe(false);
      }),
      RUNS,
    );
  });

  it("every other spelling of a registered URI is refused unless it is exactly allowed (case, slash, query, userinfo, encoding, localhost, IPv6, ports)", () => {
    fc.assert(
      fc.property(editedSpelling(WITHOUT_V6), ({ spelled }) => {
        expect(redirectUriMatches(WITHOUT_V6, spelled)).toBe(exactlyAllowed(WITHOUT_V6, spelled));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(editedSpelling(ALL), ({ spelled }) => {
        expect(redirectUriMatches(ALL, spelled)).toBe(exactlyAllowed(ALL, spelled));
      }),
      RUNS,
    );
  });

  it("the IPv6 loopback and localhost are refused where only 127.0.0.1 is registered", () => {
    for (const requested of ["http://[::1]:5000/callback", "http://localhost:5000/callback", "http://localhost/callback", "http://[::1]/callback"]) {
      expect(redirectUriMatches(WITHOUT_V6, requested)).toBe(false);
    }
  });

  it("arbitrary URLs never match unless equal to a registered one", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        expect(redirectUriMatches(ALL, url)).toBe(exactlyAllowed(ALL, url));
      }),
      RUNS,
    );
  });
});

describe("which redirect URIs may be registered", () => {
  it.each([
    [REGISTERED.claimedHttps, "claimed-https"],
    [REGISTERED.privateUse, "private-use-scheme"],
    [REGISTERED.loopback, "loopback"],
    [REGISTERED.loopbackV6, "loopback"],
  ])("%s is a %s redirect URI", (uri, kind) => {
    expect(classifyRedirectUri(uri)).toEqual({ ok: true, kind });
  });

  it.each([
    ["http://localhost/callback", "not localhost (RFC 8252 §8.3)"],
    ["http://127.0.0.1:8080/callback", "without a port"],
    ["http://app.example.com/callback", "only for the loopback interface"],
    ["https://127.0.0.1/callback", "loopback redirect uses http"],
    ["https://App.example.com/callback", "canonical form; write it as https://app.example.com/callback"],
    ["https://app.example.com/callback#x", "fragment"],
    ["https://user@app.example.com/callback", "user information"],
    ["myapp:/callback", "reverse domain name"],
    ["javascript:alert(1)", "javascript: scheme"],
    ["/callback", "absolute URI"],
    [" https://app.example.com/callback", "spaces or control characters"],
  ])("%s is refused: %s", (uri, problem) => {
    const classified = classifyRedirectUri(uri);
    expect(classified.ok).toBe(false);
    expect(classified.ok ? "" : classified.problem).toContain(problem);
  });
});
