import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { challengeMethods, mustAddSecureMethod, smsAccepted } from "@/lib/two-factor/methods";
import type { SecondFactorMethods } from "@/lib/two-factor/policy";

const now = new Date("2026-12-07T12:00:00Z");
const facts = fc.record({
  methods: fc.record<SecondFactorMethods>({ sms: fc.boolean(), authenticator: fc.boolean(), passkeys: fc.nat(3) }),
  preferred: fc.constantFrom("passkey", "authenticator", "sms", null),
  allowedMethods: fc.constantFrom("any", "secure"),
  secureMethodsGraceUntil: fc.option(fc.date({ min: new Date("2026-12-01T00:00:00Z"), max: new Date("2026-12-14T00:00:00Z"), noInvalidDate: true }), { nil: null }),
});

describe("the challenge's methods", () => {
  it("are passkey, authenticator app, SMS, backup code in that order, the preferred one first, only those the user has", () => {
    fc.assert(
      fc.property(facts, (state) => {
        const offered = challengeMethods(state, now);
        expect(offered.at(-1)).toBe("backup");
        const own = offered.slice(0, -1);
        for (const m of own) {
          if (m === "backup") throw new Error("a backup code is offered once, last");
          expect(m === "passkey" ? state.methods.passkeys > 0 : state.methods[m]).toBe(true);
        }
        const rest = state.preferred && own[0] === state.preferred ? own.slice(1) : own;
        const rank = { passkey: 0, authenticator: 1, sms: 2 } as const;
        expect([...rest].sort((a, b) => rank[a as keyof typeof rank] - rank[b as keyof typeof rank])).toEqual(rest);
        if (state.preferred && own.includes(state.preferred)) expect(own[0]).toBe(state.preferred);
      }),
    );
  });

  it("never offer SMS to a member of a secure-only organization past its grace who has a secure method", () => {
    fc.assert(
      fc.property(facts, (state) => {
        const secure = state.methods.authenticator || state.methods.passkeys > 0;
        const past = state.allowedMethods === "secure" && !(state.secureMethodsGraceUntil && state.secureMethodsGraceUntil > now);
        expect(smsAccepted(state, now)).toBe(!past);
        expect(mustAddSecureMethod(state, now)).toBe(past && !secure);
        if (past && secure) expect(challengeMethods(state, now)).not.toContain("sms");
      }),
    );
  });

  it("keep the article's two choices when only SMS is set up", () => {
    const state = { methods: { sms: true, authenticator: false, passkeys: 0 }, preferred: null, allowedMethods: "any" as const, secureMethodsGraceUntil: null };
    expect(challengeMethods(state, now)).toEqual(["sms", "backup"]);
  });
});
