import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isWellFormedVerifier, newVerifier, s256Challenge, verifyPkce } from "@/lib/oauth/pkce";

const UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
const verifierArb = fc.string({ unit: fc.constantFrom(...UNRESERVED), minLength: 43, maxLength: 128 });

describe("PKCE S256 (RFC 7636)", () => {
  it("matches RFC 7636 Appendix B's example", () => {
    const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    expect(s256Challenge(verifier)).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    expect(verifyPkce({ verifier, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", method: "S256" })).toEqual({ ok: true });
  });

  it("a verifier proves its own challenge and no other verifier's", () => {
    fc.assert(
      fc.property(verifierArb, verifierArb, (verifier, other) => {
        const challenge = s256Challenge(verifier);
        expect(verifyPkce({ verifier, challenge, method: "S256" })).toEqual({ ok: true });
        if (other !== verifier) expect(verifyPkce({ verifier: other, challenge, method: "S256" })).toEqual({ ok: false, reason: "VERIFIER_MISMATCH" });
      }),
      { numRuns: 1000 },
    );
  });

  it("only S256 is accepted: plain (the verifier sent as its own challenge) and any other method are refused", () => {
    const verifier = newVerifier();
    for (const method of ["plain", "s256", "S512", "", "S256 "]) {
      expect(verifyPkce({ verifier, challenge: s256Challenge(verifier), method })).toEqual({ ok: false, reason: "METHOD_NOT_S256" });
    }
  });

  it("a verifier is 43 to 128 characters of the unreserved set, or refused before any comparison", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii", minLength: 0, maxLength: 140 }), (candidate) => {
        const expected = candidate.length >= 43 && candidate.length <= 128 && [...candidate].every((c) => UNRESERVED.includes(c));
        expect(isWellFormedVerifier(candidate)).toBe(expected);
        if (!expected) expect(verifyPkce({ verifier: candidate, challenge: s256Challenge(candidate), method: "S256" })).toEqual({ ok: false, reason: "VERIFIER_MALFORMED" });
      }),
      { numRuns: 2000 },
    );
    expect(isWellFormedVerifier("a".repeat(42))).toBe(false);
    expect(isWellFormedVerifier("a".repeat(43))).toBe(true);
    expect(isWellFormedVerifier("a".repeat(128))).toBe(true);
    expect(isWellFormedVerifier("a".repeat(129))).toBe(false);
  });

  it("a malformed challenge is refused", () => {
    const verifier = newVerifier();
    expect(verifyPkce({ verifier, challenge: `${s256Challenge(verifier)}=`, method: "S256" })).toEqual({ ok: false, reason: "CHALLENGE_MALFORMED" });
    expect(verifyPkce({ verifier, challenge: verifier, method: "S256" }).ok).toBe(false);
  });

  it("new verifiers are well formed and distinct", () => {
    const verifiers = Array.from({ length: 50 }, newVerifier);
    expect(verifiers.every(isWellFormedVerifier)).toBe(true);
    expect(new Set(verifiers).size).toBe(50);
  });
});
