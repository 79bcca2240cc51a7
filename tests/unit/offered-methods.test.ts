import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { offeredMethods, type ChallengeMethod } from "@/lib/two-factor/react/other-methods";

// What the challenge and "Confirm it's you" offer, from the page status's ordered list.
describe("the offered methods", () => {
  it("with only SMS, the article's two choices: the SMS code, then the backup code", () => {
    expect(offeredMethods(["sms", "backup"], { passkey: true, authenticator: true })).toEqual(["sms", "backup"]);
    expect(offeredMethods(undefined, { passkey: false, authenticator: true })).toEqual(["sms", "backup"]);
    expect(offeredMethods(undefined, { passkey: false, authenticator: true }, true)).toEqual(["authenticator", "sms", "backup"]);
  });

  it("keep the status's order, drop only what the page cannot take (a passkey without its form, the app without its step), and always end with the backup code", () => {
    const method = fc.constantFrom<ChallengeMethod>("passkey", "authenticator", "sms");
    fc.assert(
      fc.property(fc.uniqueArray(method), fc.boolean(), fc.boolean(), (own, passkey, authenticator) => {
        const offered = offeredMethods([...own, "backup"], { passkey, authenticator });
        const expected = own.filter((m) => (m === "passkey" ? passkey : m === "authenticator" ? authenticator : true));
        expect(offered).toEqual([...expected, "backup"]);
      }),
    );
  });
});
