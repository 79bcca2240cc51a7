import { describe, expect, expectTypeOf, it } from "vitest";
import { ERROR_MESSAGES, type ErrorCode } from "@/lib/errors";
import {
  isTwoFactorErrorCode,
  liftTime,
  TWO_FACTOR_MESSAGES,
  twoFactorMessage,
  type TwoFactorErrorCode,
  type TwoFactorMessages,
  type TwoFactorScreen,
} from "@/lib/two-factor/messages";

const SCREENS: TwoFactorScreen[] = ["setup", "challenge", "change-phone", "confirm", "security"];
const CODES = Object.keys(TWO_FACTOR_MESSAGES).filter(isTwoFactorErrorCode);
/** Limits that end at a time: the message says when. */
const LIMITS: TwoFactorErrorCode[] = ["LOCKED", "ACCOUNT_SMS_LIMIT", "PHONE_SMS_LIMIT", "DAILY_SMS_CAP"];

/** The ways out each screen offers; a message may name only these. */
const ACTIONS: Record<string, { pattern: RegExp; on: TwoFactorScreen[] }> = {
  "Resend code": { pattern: /resend code/i, on: ["challenge"] },
  "Send code": { pattern: /“send code”/i, on: ["setup", "change-phone", "confirm"] },
  "backup code": { pattern: /backup code(?! is not right)/i, on: ["challenge", "confirm"] },
  "change of password request": { pattern: /change of password request/i, on: ["challenge"] },
};

const NOW = new Date("2026-03-10T14:00:00Z");

describe("twoFactorMessage", () => {
  for (const screen of SCREENS) {
    for (const code of CODES) {
      for (const triesLeft of [0, 1, 3]) {
        it(`${code} on ${screen} (${triesLeft} tries left) names only ways out that exist on that screen`, () => {
          const message = twoFactorMessage({ code, triesLeft, retryAfterMs: 32 * 60_000 }, { screen, now: NOW });
          for (const [action, { pattern, on }] of Object.entries(ACTIONS)) {
            if (!on.includes(screen)) expect(message, `${action} in: ${message}`).not.toMatch(pattern);
          }
          expect(message).not.toMatch(/Something went wrong/);
        });
      }
    }
  }

  for (const screen of SCREENS) {
    for (const code of LIMITS) {
      it(`${code} on ${screen} says when it lifts, in the viewer's time zone or in UTC`, () => {
        const failure = { code, retryAfterMs: 32 * 60_000 + 10_000 };
        expect(twoFactorMessage(failure, { screen, now: NOW })).toMatch(/try again after 14:32 UTC\b/i);
        expect(twoFactorMessage(failure, { screen, now: NOW, timeZone: "Europe/Paris" })).toMatch(/try again after 15:32(?! UTC)\b/i);
      });
    }
  }

  it("a wait for another code says how long", () => {
    expect(twoFactorMessage({ code: "RESEND_TOO_SOON", retryAfterMs: 12_000 }, { screen: "challenge", now: NOW })).toBe(
      "Please wait 12 seconds before asking for another code.",
    );
  });

  it("a wrong backup code says how many tries are left before the lock", () => {
    expect(twoFactorMessage({ code: "INVALID_BACKUP_CODE", triesLeft: 1 }, { screen: "challenge", now: NOW })).toBe(
      "That backup code is not right or was already used. 1 try left before two-step verification is locked.",
    );
  });

  it("a lift on another day in the viewer's zone gives the date too", () => {
    expect(liftTime(new Date("2026-03-11T09:05:00Z"), { now: NOW, timeZone: "America/New_York" })).toBe("after 11 March, 05:05");
  });

  it("a time zone the browser made up is ignored: the time is given in UTC", () => {
    expect(liftTime(new Date("2026-03-10T14:32:00Z"), { now: NOW, timeZone: "Mars/Olympus" })).toBe("after 14:32 UTC");
  });
});

describe("messages are keyed by the code unions", () => {
  it("every code of the union has a message, and a map without one is a type error (checked by tsc)", () => {
    expectTypeOf<keyof typeof TWO_FACTOR_MESSAGES>().toEqualTypeOf<TwoFactorErrorCode>();
    expectTypeOf<keyof typeof ERROR_MESSAGES>().toEqualTypeOf<ErrorCode>();
    const { LOCKED: _locked, ...withoutLocked } = TWO_FACTOR_MESSAGES;
    // @ts-expect-error LOCKED has no message
    const _twoFactor: TwoFactorMessages = withoutLocked;
    const { FORBIDDEN: _forbidden, ...withoutForbidden } = ERROR_MESSAGES;
    // @ts-expect-error FORBIDDEN has no message
    const _portal: Record<ErrorCode, string> = withoutForbidden;
    expect(CODES).toHaveLength(28);
  });

  it("a code outside the union is a type error, and one from outside the types (a page's address) gets the generic answer", () => {
    // @ts-expect-error NOT_A_CODE is no code of the flows
    expect(twoFactorMessage({ code: "NOT_A_CODE" }, { screen: "challenge", now: NOW })).toBe(
      "Something went wrong on our side. Nothing was changed; please try again.",
    );
    expect(isTwoFactorErrorCode("toString")).toBe(false);
    expect(isTwoFactorErrorCode("LOCKED")).toBe(true);
  });
});
