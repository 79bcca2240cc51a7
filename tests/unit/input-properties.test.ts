import fc from "fast-check";
import { getCountries, getExampleNumber } from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";
import { describe, expect, it } from "vitest";
import { generateBackupCode, normalizeBackupCode } from "@/lib/two-factor/backup-codes";
import { backupCodeField, phoneField, smsCodeField } from "@/lib/two-factor/fields";
import { parsePhoneInput } from "@/lib/two-factor/phone-number";
import { parseCodeInput } from "@/lib/two-factor/sms-code";

// Property-based checks of the three two-factor input fields (issue 4, item 8): whatever is typed
// or posted, the parser answers a value in canonical form or a message to show, and never throws.

const RUNS = { numRuns: 500 };

const E164 = /^\+[1-9][0-9]{6,14}$/;
const SMS_CODE = /^[0-9]{6}$/;
const BACKUP_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

const chars = (codePoints: number[]) => codePoints.map((cp) => String.fromCodePoint(cp));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** The digits 0-9 of other scripts: each looks like (or is) a digit to a person or to \d with /u. */
const UNICODE_DIGITS = chars([
  ...range(0x0660, 10), // Arabic-Indic ٠-٩
  ...range(0x06f0, 10), // Extended Arabic-Indic ۰-۹
  ...range(0x0966, 10), // Devanagari ०-९
  ...range(0x09e6, 10), // Bengali
  ...range(0x0e50, 10), // Thai
  ...range(0xff10, 10), // fullwidth ０-９
  ...range(0x1d7ce, 10), // mathematical bold 𝟎-𝟗 (outside the BMP: two UTF-16 units)
  0x00b2, 0x00b3, 0x00b9, // superscripts ² ³ ¹
  ...range(0x2460, 9), // circled ①-⑨
  ...range(0x2070, 1), // superscript zero
]);

/** Every kind of whitespace, and the invisible characters that are not whitespace to a regex. */
const WHITESPACE = chars([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, ...range(0x2000, 11), 0x2028, 0x2029, 0x202f, 0x205f,
  0x3000, 0xfeff,
]);
const ZERO_WIDTH = chars([0x200b, 0x200c, 0x200d, 0x2060, 0x180e, 0x00ad, 0x200e, 0x200f, 0x202e]);
/** C0 and C1 controls, the null byte included. */
const CONTROLS = chars([...range(0x00, 32), ...range(0x7f, 33)]);
const LOOK_ALIKE_PLUS = chars([0xff0b, 0x2795, 0x207a, 0x208a, 0xfe62]);

const asciiDigit = fc.constantFrom(..."0123456789");
const unicodeDigit = fc.constantFrom(...UNICODE_DIGITS);
const whitespace = fc.constantFrom(...WHITESPACE);
const invisible = fc.constantFrom(...ZERO_WIDTH);
const control = fc.constantFrom(...CONTROLS);
const anyChar = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u));
const punctuation = fc.constantFrom(..."+-.()[]{}/\\#*,;:_ ", ...LOOK_ALIKE_PLUS);

/** A mix weighted towards what breaks naive parsers. */
const hostileChar = fc.oneof(
  { weight: 4, arbitrary: asciiDigit },
  { weight: 2, arbitrary: unicodeDigit },
  { weight: 2, arbitrary: whitespace },
  { weight: 1, arbitrary: invisible },
  { weight: 1, arbitrary: control },
  { weight: 1, arbitrary: punctuation },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: anyChar },
);
const hostileString = fc.array(hostileChar, { maxLength: 40 }).map((parts) => parts.join(""));

/** Inputs of 10 000 characters or more: a plausible value padded, repeated or buried. */
const veryLong = fc.oneof(
  fc.tuple(fc.constantFrom("+", "", " "), asciiDigit, fc.integer({ min: 10_000, max: 10_100 })).map(([head, d, n]) => head + d.repeat(n)),
  fc.tuple(whitespace, fc.constantFrom("+12025550123", "123456", "ABCD-EFGH-JKMN"), fc.integer({ min: 5_000, max: 5_050 })).map(
    ([ws, value, n]) => ws.repeat(n) + value + ws.repeat(n),
  ),
  fc.string({ unit: "binary", minLength: 10_000, maxLength: 10_050 }),
);

const anyInput = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: veryLong },
);

/** Valid numbers of every country libphonenumber knows, in E.164. */
const EXAMPLE_NUMBERS = getCountries().flatMap((country) => {
  const number: string | undefined = getExampleNumber(country, examples)?.number;
  return number ? [{ country, number }] : [];
});
const examplePhone = fc.constantFrom(...EXAMPLE_NUMBERS.map((e) => e.number).filter((n) => parsePhoneInput(n).ok));

/** A value that parses, with one character inserted or substituted somewhere inside it. */
function tampered(base: fc.Arbitrary<string>, char: fc.Arbitrary<string>) {
  return fc.tuple(base, char, fc.nat(), fc.boolean()).map(([value, c, at, replace]) => {
    const i = 1 + (at % Math.max(value.length - 1, 1)); // strictly inside: not a leading/trailing space
    return value.slice(0, i) + c + value.slice(replace ? i + 1 : i);
  });
}

/** The messages the fields show: a sentence, non-empty, with nothing invisible or echoed from the input. */
function expectHumanMessage(message: unknown) {
  expect(typeof message).toBe("string");
  const text = message as string;
  expect(text.trim().length).toBeGreaterThan(10);
  expect(text).toMatch(/^[A-Z].*\.$/s);
  expect(text.length).toBeLessThan(200);
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/);
}

const JS_TRIMMED_WHITESPACE = new RegExp(`^[${WHITESPACE.join("")}]*|[${WHITESPACE.join("")}]*$`, "gu");

describe("the Phone number field (property-based)", () => {
  it("never throws: any input is either a canonical E.164 number or a message to show", () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, fc.anything()), (input) => {
        const result = parsePhoneInput(input);
        if (result.ok) {
          expect(result.e164).toMatch(E164);
          expect(Object.keys(result).sort()).toEqual(["country", "e164", "ok"]);
        } else {
          expectHumanMessage(result.message);
        }
      }),
      RUNS,
    );
  });

  it("an accepted number round-trips: parsing its E.164 form gives the same number and country", () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, examplePhone, tampered(examplePhone, whitespace)), (input) => {
        const result = parsePhoneInput(input);
        if (!result.ok) return;
        expect(parsePhoneInput(result.e164)).toEqual(result);
      }),
      RUNS,
    );
  });

  it("no input with a character outside [+0-9], other than whitespace around it, is accepted as a phone number", () => {
    const outsider = fc.oneof(unicodeDigit, whitespace, invisible, control, punctuation, loneSurrogate, anyChar).filter((c) => !/^[+0-9]$/.test(c));
    fc.assert(
      fc.property(fc.oneof(anyInput, tampered(examplePhone, outsider)), (input) => {
        const result = parsePhoneInput(input);
        if (!result.ok) return;
        const core = input.replace(JS_TRIMMED_WHITESPACE, "");
        expect(core).toMatch(/^\+[0-9]+$/);
        expect(core).toBe(result.e164);
      }),
      { numRuns: 2_000 },
    );
  });

  it("digits of other scripts (Arabic-Indic, fullwidth, Devanagari...) are refused with the 0-9 rule, never read as a number", () => {
    const foreignDigits = fc.tuple(examplePhone, fc.constantFrom(...UNICODE_DIGITS), fc.nat()).map(([phone, digit, at]) => {
      const i = 1 + (at % (phone.length - 1));
      return phone.slice(0, i) + digit + phone.slice(i + 1);
    });
    const wholeNumber = fc.tuple(examplePhone, fc.constantFrom(0x0660, 0x06f0, 0x0966, 0xff10)).map(
      ([phone, zero]) => "+" + [...phone.slice(1)].map((d) => String.fromCodePoint(zero + Number(d))).join(""),
    );
    fc.assert(
      fc.property(fc.oneof(foreignDigits, wholeNumber), (input) => {
        const result = parsePhoneInput(input);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.message).toMatch(/digits 0-9|digits only|too long|\d+ to 15 digits/);
      }),
      RUNS,
    );
  });

  it("control characters and null bytes anywhere are refused with the invisible-characters message", () => {
    fc.assert(
      fc.property(tampered(examplePhone, fc.constantFrom(...chars([...range(0x00, 32), 0x7f]))), (input) => {
        expect(parsePhoneInput(input)).toEqual({ ok: false, message: "Remove the invisible characters from the phone number." });
      }),
      RUNS,
    );
    expect(parsePhoneInput("\u0000+12025550123")).toMatchObject({ ok: false });
    expect(parsePhoneInput("+12025550123\u0000")).toMatchObject({ ok: false });
  });

  it("spaces, dashes, brackets and dots inside the number each get their own message", () => {
    const messages = new Map([
      [" ", "Remove the spaces"],
      ["\u00a0", "Remove the spaces"],
      ["\u3000", "Remove the spaces"],
      ["-", "Remove the dashes"],
      ["(", "Remove the brackets"],
      ["]", "Remove the brackets"],
      [".", "Remove the dots"],
    ]);
    fc.assert(
      fc.property(examplePhone, fc.constantFrom(...messages.keys()), fc.nat(), (phone, c, at) => {
        const i = 2 + (at % (phone.length - 3));
        const result = parsePhoneInput(phone.slice(0, i) + c + phone.slice(i));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.message.startsWith(messages.get(c)!)).toBe(true);
      }),
      RUNS,
    );
  });

  it("input of 10 000 characters is refused at once with the too-long message", () => {
    fc.assert(
      fc.property(veryLong, (input) => {
        const started = performance.now();
        const result = parsePhoneInput(input);
        expect(performance.now() - started).toBeLessThan(100);
        expect(result).toEqual({ ok: false, message: "That is too long for a phone number. Use the form +17891234567." });
      }),
      { numRuns: 100 },
    );
  });

  it("every country's valid example mobile number is accepted as itself, the 7-digit ones of Tokelau and Tristan da Cunha included", () => {
    const refused = EXAMPLE_NUMBERS.map(({ country, number }) => ({ country, number, result: parsePhoneInput(number) }))
      .filter(({ result }) => !result.ok)
      .map(({ country, number, result }) => `${country} ${number}: ${result.ok ? "" : result.message}`);
    expect(refused).toEqual([]);
    for (const { number } of EXAMPLE_NUMBERS) expect(parsePhoneInput(number)).toMatchObject({ ok: true, e164: number });
  });
});

describe("the Verification code field (property-based)", () => {
  it("never throws: any input is either exactly 6 ASCII digits or a message to show", () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, fc.anything()), (input) => {
        const result = parseCodeInput(input);
        if (result.ok) expect(result.code).toMatch(SMS_CODE);
        else expectHumanMessage(result.message);
      }),
      RUNS,
    );
  });

  it("no input with a character other than ASCII digits and whitespace is accepted as a code", () => {
    const outsider = fc.oneof(unicodeDigit, invisible, control, punctuation, loneSurrogate, anyChar).filter((c) => !/^[0-9\s]$/.test(c));
    const sixDigits = fc.stringMatching(/^[0-9]{6}$/);
    fc.assert(
      fc.property(fc.oneof(anyInput, tampered(sixDigits, outsider)), (input) => {
        const result = parseCodeInput(input);
        if (!result.ok) return;
        expect(input).toMatch(/^[0-9\s]+$/);
        expect(input.replace(/\s/g, "")).toBe(result.code);
      }),
      { numRuns: 2_000 },
    );
  });

  it("the code in Arabic-Indic, fullwidth or Devanagari digits is refused with the 0-9 rule", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{6}$/), fc.constantFrom(0x0660, 0x06f0, 0x0966, 0xff10, 0x1d7ce), (code, zero) => {
        const foreign = [...code].map((d) => String.fromCodePoint(zero + Number(d))).join("");
        expect(parseCodeInput(foreign)).toEqual({ ok: false, message: "The code has digits 0-9 only." });
      }),
      RUNS,
    );
  });

  it("the right 6 digits with spaces around or between them are read as the code", () => {
    const spaces = fc.array(fc.constantFrom(" ", "\u00a0", "\t", "\u3000"), { maxLength: 3 }).map((s) => s.join(""));
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{6}$/), spaces, spaces, fc.nat(5), (code, before, after, gap) => {
        const spaced = code.slice(0, gap) + " " + code.slice(gap);
        expect(parseCodeInput(before + code + after)).toEqual({ ok: true, code });
        expect(parseCodeInput(before + spaced + after)).toEqual({ ok: true, code });
      }),
      RUNS,
    );
  });

  it("null bytes and control characters inside the code are refused, not stripped", () => {
    fc.assert(
      fc.property(tampered(fc.stringMatching(/^[0-9]{6}$/), fc.constantFrom(...CONTROLS, ...ZERO_WIDTH)), (input) => {
        expect(parseCodeInput(input).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it("input of 10 000 characters is refused at once with the length message", () => {
    fc.assert(
      fc.property(veryLong, (input) => {
        const started = performance.now();
        const result = parseCodeInput(input);
        expect(performance.now() - started).toBeLessThan(100);
        expect(result).toEqual({ ok: false, message: "The code is 6 digits long." });
      }),
      { numRuns: 100 },
    );
  });
});

/** Characters outside ASCII whose upper case is ASCII: ß -> SS, ſ -> S, ı -> I, ﬀ -> FF... */
const UPPERCASE_TO_ASCII = chars(range(0x80, 0x10000 - 0x80)).filter((c) => {
  const upper = c.toUpperCase();
  return upper !== c && /^[A-Z0-9]+$/.test(upper);
});

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A code as the issuer spells it, drawn by fast-check (so failures shrink and replay). */
const issuedCode = fc
  .array(fc.constantFrom(...CROCKFORD), { minLength: 12, maxLength: 12 })
  .map((c) => `${c.slice(0, 4).join("")}-${c.slice(4, 8).join("")}-${c.slice(8).join("")}`);

describe("the backup code field (property-based)", () => {
  it("never throws: any input is either XXXX-XXXX-XXXX in Crockford base32 or refused", () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, fc.anything()), (input) => {
        const normalized = normalizeBackupCode(input);
        if (normalized !== null) expect(normalized).toMatch(BACKUP_CODE);
      }),
      RUNS,
    );
  });

  it("every issued code is read as itself, whatever its case, dashes or spaces", () => {
    const issued = issuedCode;
    for (let i = 0; i < 50; i++) expect(generateBackupCode()).toMatch(BACKUP_CODE);
    const spelling = fc.tuple(fc.boolean(), fc.constantFrom("-", "", " ", " - ", "\u00a0"));
    fc.assert(
      fc.property(issued, spelling, fc.constantFrom("", " ", "\t", "\u3000"), (code, [lower, sep], pad) => {
        const groups = code.split("-");
        const typed = pad + (lower ? groups.map((g) => g.toLowerCase()) : groups).join(sep) + pad;
        expect(normalizeBackupCode(typed)).toBe(code);
      }),
      RUNS,
    );
  });

  it("only ASCII letters, digits, dashes and whitespace are read as a backup code", () => {
    const issued = issuedCode;
    const foreign = fc.oneof(
      fc.constantFrom(...UPPERCASE_TO_ASCII),
      unicodeDigit,
      invisible,
      control,
      loneSurrogate,
      anyChar,
    ).filter((c) => !/^[A-Za-z0-9\s-]$/.test(c));
    fc.assert(
      fc.property(fc.oneof(anyInput, tampered(issued, foreign)), (input) => {
        if (normalizeBackupCode(input) === null) return;
        expect(input).toMatch(/^[A-Za-z0-9\s-]+$/);
      }),
      { numRuns: 2_000 },
    );
  });

  it("input of 10 000 characters is refused at once", () => {
    fc.assert(
      fc.property(veryLong, (input) => {
        const started = performance.now();
        expect(normalizeBackupCode(input)).toBeNull();
        expect(performance.now() - started).toBeLessThan(100);
      }),
      { numRuns: 100 },
    );
  });
});

describe("the zod form fields (property-based)", () => {
  const fields = [
    { name: "phoneField", field: phoneField, canonical: E164, parse: (v: unknown) => { const r = parsePhoneInput(v); return r.ok ? { ok: true as const, value: r.e164 } : r; } },
    { name: "smsCodeField", field: smsCodeField, canonical: SMS_CODE, parse: (v: unknown) => { const r = parseCodeInput(v); return r.ok ? { ok: true as const, value: r.code } : r; } },
    {
      name: "backupCodeField",
      field: backupCodeField,
      canonical: BACKUP_CODE,
      parse: (v: unknown) => {
        const r = normalizeBackupCode(v);
        return r ? { ok: true as const, value: r } : { ok: false as const, message: "A backup code has 12 letters and digits, like ABCD-EFGH-JKMN." };
      },
    },
  ];

  it.each(fields)("$name never throws, and gives either the canonical value or exactly one issue with a message to show", ({ field, canonical, parse }) => {
    fc.assert(
      fc.property(fc.oneof(anyInput, fc.anything(), examplePhone, fc.stringMatching(/^[0-9]{6}$/)), (input) => {
        const parsed = field.safeParse(input);
        const expected = parse(input);
        if (parsed.success) {
          expect(parsed.data).toMatch(canonical);
          expect(expected).toEqual({ ok: true, value: parsed.data });
        } else {
          expect(parsed.error.issues).toHaveLength(1);
          expectHumanMessage(parsed.error.issues[0]!.message);
          expect(expected).toEqual({ ok: false, message: parsed.error.issues[0]!.message });
        }
      }),
      RUNS,
    );
  });
});
