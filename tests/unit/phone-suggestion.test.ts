import fc from "fast-check";
import { getCountries, getExampleNumber } from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";
import { describe, expect, it } from "vitest";
import { formatPhoneInternational, parsePhoneInput, suggestPhoneNumber } from "@/lib/two-factor/phone-number";

// Issue 14 item 6: the article's rule stays (separators are refused), and the refusal offers the
// number as it would be accepted ("Did you mean +14155550123?").

const RUNS = { numRuns: 500 };

const validNumber = fc.constantFrom(
  ...getCountries()
    .flatMap((country) => {
      const number: string | undefined = getExampleNumber(country, examples)?.number;
      return number ? [number] : [];
    })
    .filter((number) => parsePhoneInput(number).ok),
);

const SEPARATORS = [" ", "  ", "\u00a0", "-", "(", ")", "[", "]", "{", "}", "."];
const separator = fc.constantFrom(...SEPARATORS);

/** `number` with separators inserted: at least one strictly inside it, others anywhere (ends included). */
const withSeparators = fc
  .tuple(validNumber, fc.array(fc.tuple(separator, fc.nat()), { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(separator, fc.nat()), { maxLength: 4 }))
  .map(([number, inside, anywhere]) => {
    let typed = number;
    for (const [c, at] of inside) {
      const i = 1 + (at % (typed.length - 1));
      typed = typed.slice(0, i) + c + typed.slice(i);
    }
    for (const [c, at] of anywhere) {
      const i = at % (typed.length + 1);
      typed = typed.slice(0, i) + c + typed.slice(i);
    }
    return { number, typed };
  });

describe("the Phone number field's suggestion", () => {
  it("for any valid number typed with spaces, dashes, brackets, parentheses or dots anywhere, the field still refuses it and suggests exactly that number", () => {
    fc.assert(
      fc.property(withSeparators, ({ number, typed }) => {
        expect(parsePhoneInput(typed).ok).toBe(false);
        expect(suggestPhoneNumber(typed)).toBe(number);
      }),
      RUNS,
    );
  });

  it("a number the field accepts as typed gets no suggestion", () => {
    fc.assert(
      fc.property(validNumber, (number) => {
        expect(suggestPhoneNumber(number)).toBeNull();
      }),
      RUNS,
    );
  });

  it("nothing is suggested when removing separators does not give a valid number: no country code is guessed, letters are not dropped", () => {
    expect(suggestPhoneNumber("1 415 555 0123")).toBeNull();
    expect(suggestPhoneNumber("(415) 555-0123")).toBeNull();
    expect(suggestPhoneNumber("+1 415 555 01AB")).toBeNull();
    expect(suggestPhoneNumber("+1 415 555")).toBeNull();
    expect(suggestPhoneNumber(undefined)).toBeNull();
    expect(suggestPhoneNumber("+1 (415) 555-0123")).toBe("+14155550123");
  });

  it("the dialog shows a number in full, spaced for reading", () => {
    expect(formatPhoneInternational("+14155550123")).toBe("+1 415 555 0123");
    expect(formatPhoneInternational("+442079460958")).toBe("+44 20 7946 0958");
  });
});
