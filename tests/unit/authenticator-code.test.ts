import { randomBytes } from "node:crypto";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP, generateTOTP } from "@oslojs/otp";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  acceptableStep,
  authenticatorCodeAt,
  matchingSteps,
  parseAuthenticatorCodeInput,
  timeStepAt,
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
} from "@/lib/two-factor/authenticator-code";
import {
  authenticatorEnrolment,
  authenticatorSecretKey,
  newAuthenticatorSecret,
  openAuthenticatorSecret,
  sealAuthenticatorSecret,
} from "@/lib/two-factor/authenticator-secret";
import { CONFIRMATION_TTL_MS, hasRecentSecondFactor } from "@/lib/two-factor/confirm";
import { authenticatorCodeField } from "@/lib/two-factor/fields";
import { twoFactorMessage, type TwoFactorScreen } from "@/lib/two-factor/messages";

const STEP_MS = TOTP_PERIOD_SECONDS * 1000;
// 2001 to 2100: instants an app's clock may show.
const instant = fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 }).map((ms) => new Date(ms));
const secretArb = fc.uint8Array({ minLength: 20, maxLength: 20 });

afterEach(() => {
  vi.useRealTimers();
});

describe("RFC 6238 through @oslojs/otp", () => {
  // Appendix B, SHA-1 with the RFC's 20-byte key "12345678901234567890", 8 digits, X = 30 s, T0 = 0.
  const RFC_KEY = new TextEncoder().encode("12345678901234567890");
  const VECTORS: [unixSeconds: number, totp: string][] = [
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ];

  it.each(VECTORS)("at %i s the HOTP of T = floor(t / 30) is %s, and generateTOTP shows it at that time", (seconds, expected) => {
    expect(generateHOTP(RFC_KEY, BigInt(timeStepAt(new Date(seconds * 1000))), 8)).toBe(expected);
    vi.useFakeTimers({ now: seconds * 1000, toFake: ["Date"] });
    expect(generateTOTP(RFC_KEY, TOTP_PERIOD_SECONDS, 8)).toBe(expected);
  });

  it("the app's parameters are the RFC's with 6 digits: its code is the last 6 digits of the 8-digit vector", () => {
    expect(TOTP_DIGITS).toBe(6);
    for (const [seconds, expected] of VECTORS) expect(authenticatorCodeAt(RFC_KEY, new Date(seconds * 1000))).toBe(expected.slice(2));
  });

  it("differential: the code generated for an app at any instant is @oslojs/otp's generateTOTP(secret, 30, 6) at that instant", () => {
    fc.assert(
      fc.property(secretArb, instant, (secret, now) => {
        vi.useFakeTimers({ now, toFake: ["Date"] });
        expect(authenticatorCodeAt(secret, now)).toBe(generateTOTP(secret, 30, 6));
        vi.useRealTimers();
      }),
    );
  });
});

describe("the drift window", () => {
  it("a code from one step before or after is accepted, two steps away is refused (any instant of the step, any offset)", () => {
    fc.assert(
      fc.property(secretArb, instant, fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: STEP_MS - 1 }), (secret, now, offset, within) => {
        const step = timeStepAt(now) + offset;
        const code = generateHOTP(secret, BigInt(step), 6);
        const window = [-1, 0, 1].map((d) => timeStepAt(now) + d);
        const sameDigits = window.filter((s) => s !== step && generateHOTP(secret, BigInt(s), 6) === code);
        // a coincidence of digits (1 in 10^6 per step) would make a far step's code look near
        fc.pre(sameDigits.length === 0);
        const atAnyInstantOfTheStep = new Date(Math.floor(now.getTime() / STEP_MS) * STEP_MS + within);
        expect(matchingSteps(secret, code, atAnyInstantOfTheStep)).toEqual(Math.abs(offset) <= 1 ? [step] : []);
      }),
    );
  });

  it("a step is accepted only when later than the last accepted one", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { maxLength: 3 }), fc.option(fc.integer({ min: 0, max: 100 })), (steps, last) => {
        const sorted = [...steps].sort((a, b) => a - b);
        const expected = sorted.find((s) => last === null || s > last) ?? null;
        expect(acceptableStep(sorted, last)).toBe(expected);
      }),
    );
  });
});

describe("the code's spellings", () => {
  const sixDigits = fc.stringMatching(/^[0-9]{6}$/);
  const withSpaces = fc
    .tuple(sixDigits, fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }), fc.constantFrom("", " ", "  ", "\t", "\n"), fc.constantFrom("", " ", "\n"))
    .map(([code, cuts, before, after]) => {
      let spelled = code;
      for (const at of [...cuts].sort((a, b) => b - a)) spelled = `${spelled.slice(0, at)} ${spelled.slice(at)}`;
      return { code, spelled: `${before}${spelled}${after}` };
    });

  it("spaces anywhere and whitespace around are forgiven: the field and the core read the same 6 digits", () => {
    fc.assert(
      fc.property(withSpaces, ({ code, spelled }) => {
        expect(parseAuthenticatorCodeInput(spelled)).toEqual({ ok: true, code });
        expect(authenticatorCodeField.parse(spelled)).toBe(code);
      }),
    );
  });

  it("anything but 6 digits is refused by the field with a message, and by the core's parse alike", () => {
    const malformed = fc.oneof(
      fc.stringMatching(/^[0-9]{1,5}$/),
      fc.stringMatching(/^[0-9]{7,12}$/),
      // inside the digits: whitespace around them is trimmed, as it is forgiven
      fc.tuple(sixDigits, fc.integer({ min: 1, max: 5 }), fc.constantFrom("a", "-", ".", "١", "６", "\u200b", "\t", "O", "l")).map(([c, at, x]) => `${c.slice(0, at)}${x}${c.slice(at)}`),
      fc.constantFrom("", "   ", "1".repeat(65)),
      fc.constantFrom(123456, null, undefined, ["123456"], { code: "123456" }),
    );
    fc.assert(
      fc.property(malformed, (raw) => {
        const parsed = parseAuthenticatorCodeInput(raw);
        expect(parsed.ok).toBe(false);
        const field = authenticatorCodeField.safeParse(raw);
        expect(field.success).toBe(false);
        if (!parsed.ok && !field.success) expect(field.error.issues[0]!.message).toBe(parsed.message);
      }),
    );
  });
});

describe("the secret", () => {
  it("20 random bytes, shown as 32 base32 characters that decode back to them, in an otpauth:// URI and its QR code", () => {
    const secret = newAuthenticatorSecret();
    expect(secret).toHaveLength(20);
    const shown = authenticatorEnrolment(secret, "Connect", "alice@example.com");
    expect(shown.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32IgnorePadding(shown.secret)).toEqual(secret);
    const uri = new URL(shown.uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(shown.uri.startsWith("otpauth://totp/Connect:alice%40example.com?")).toBe(true);
    expect(Object.fromEntries(uri.searchParams)).toEqual({ issuer: "Connect", algorithm: "SHA1", secret: shown.secret, period: "30", digits: "6" });
    expect(shown.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(shown.qrSvg).not.toContain(shown.secret);
  });

  it("sealed with AES-256-GCM: it opens with its key for its user only, and an altered value never opens", () => {
    fc.assert(
      fc.property(secretArb, fc.string({ minLength: 32 }), fc.string({ minLength: 32 }), fc.uuid(), fc.uuid(), (secret, a, b, userId, otherUser) => {
        fc.pre(a !== b && userId !== otherUser);
        const key = authenticatorSecretKey(a);
        const sealed = sealAuthenticatorSecret(key, userId, secret);
        expect(openAuthenticatorSecret(key, userId, sealed)).toEqual(secret);
        expect(openAuthenticatorSecret(authenticatorSecretKey(b), userId, sealed)).toBeNull();
        expect(openAuthenticatorSecret(key, otherUser, sealed)).toBeNull();
        const [format, iv, ciphertext, tag] = sealed.split(".");
        const flipped = Buffer.from(ciphertext!, "base64url");
        flipped[0]! ^= 1;
        expect(openAuthenticatorSecret(key, userId, [format, iv, flipped.toString("base64url"), tag].join("."))).toBeNull();
        expect(openAuthenticatorSecret(key, userId, `${sealed}.x`)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  it("the key is the plugin secret's HKDF with its own info: not the secret, not the SMS code key", () => {
    const secret = `s-${randomBytes(24).toString("hex")}`;
    const key = authenticatorSecretKey(secret);
    expect(key).toHaveLength(32);
    expect(key.equals(authenticatorSecretKey(secret))).toBe(true);
    expect(key.toString("base64url")).not.toBe(Buffer.from(secret).subarray(0, 32).toString("base64url"));
  });
});

describe("the authenticator's messages", () => {
  const now = new Date("2026-03-10T14:00:00Z");
  it("a wrong code tells the tries left for the setup on the setup screens, and before the lock elsewhere", () => {
    const wrong = (triesLeft: number, screen: TwoFactorScreen) => twoFactorMessage({ code: "INVALID_AUTHENTICATOR_CODE", triesLeft }, { screen, now });
    expect(wrong(3, "security")).toMatch(/3 tries left for this setup\.$/);
    expect(wrong(0, "setup")).toBe("That code is not right, and this setup can no longer be used. Start again to get a new QR code.");
    expect(wrong(1, "challenge")).toBe("That code is not right. Enter the code your authenticator app shows now. 1 try left before two-step verification is locked.");
    expect(twoFactorMessage({ code: "INVALID_CODE_FORMAT" }, { screen: "challenge", now })).toBe("Enter the 6 digits of the code, like 123456 or 123 456.");
    expect(twoFactorMessage({ code: "NO_AUTHENTICATOR_APP" }, { screen: "challenge", now })).toBe("No authenticator app is set up for this account. Choose another way to verify.");
  });
});

describe("a sign-in with an authenticator code", () => {
  it("counts as a recent second factor, as one with an SMS or a backup code does", () => {
    const at = Date.parse("2026-03-10T14:00:00Z");
    expect(hasRecentSecondFactor({ amr: ["pwd", "otp"], authTime: at }, null, at + 60_000)).toBe(true);
    expect(hasRecentSecondFactor({ amr: ["pwd", "otp"], authTime: at }, null, at + CONFIRMATION_TTL_MS)).toBe(false);
    expect(hasRecentSecondFactor({ amr: ["pwd"], authTime: at }, null, at + 60_000)).toBe(false);
  });
});
