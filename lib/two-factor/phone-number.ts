import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type PhoneInputResult = { ok: true; e164: string; country: string | null } | { ok: false; message: string };

export const PHONE_FORMAT_RULE =
  "The phone number will have to include the country code and be entered without any dashes, brackets, or parentheses.";
export const PHONE_EXAMPLE = "+17891234567";

/**
 * Reads the "Phone number" field with the article's rule: a "+", the country code and digits,
 * nothing else. Each refusal says exactly what to fix.
 */
export function parsePhoneInput(raw: unknown): PhoneInputResult {
  if (typeof raw !== "string" || raw.trim() === "") return refuse(`Enter your phone number, for example ${PHONE_EXAMPLE}.`);
  if (raw.length > 32) return refuse(`That is too long for a phone number. Use the form ${PHONE_EXAMPLE}.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return refuse("Remove the invisible characters from the phone number.");
  const value = raw.trim();
  if (/\s/.test(value)) return refuse(`Remove the spaces: enter the number as one run of digits, like ${PHONE_EXAMPLE}.`);
  if (/-/.test(value)) return refuse(`Remove the dashes: enter the number as one run of digits, like ${PHONE_EXAMPLE}.`);
  if (/[()[\]{}]/.test(value)) return refuse(`Remove the brackets and parentheses, like ${PHONE_EXAMPLE}.`);
  if (/\./.test(value)) return refuse(`Remove the dots, like ${PHONE_EXAMPLE}.`);
  if (!value.startsWith("+")) return refuse(`Start with a "+" and your country code, like ${PHONE_EXAMPLE}.`);
  const digits = value.slice(1);
  if (/\p{L}/u.test(digits)) return refuse(`A phone number has digits only: remove the letters, like ${PHONE_EXAMPLE}.`);
  if (!/^[0-9]+$/.test(digits)) return refuse(`Use only the digits 0-9 after the "+", like ${PHONE_EXAMPLE}.`);
  if (digits.length < 7 || digits.length > 15) return refuse(`A phone number with its country code has 7 to 15 digits, like ${PHONE_EXAMPLE}.`);
  const parsed = parsePhoneNumberFromString(value);
  if (!parsed || !parsed.isValid()) {
    return refuse("That is not a valid phone number. Check the country code and the number.");
  }
  return { ok: true, e164: parsed.number, country: parsed.country ?? null };
}

function refuse(message: string): PhoneInputResult {
  return { ok: false, message };
}

// Only what the article's rule names as "wrong but harmless": whitespace, dashes, brackets, parentheses, dots.
const HARMLESS_SEPARATORS = /[\s\-()[\]{}.]/gu;

/**
 * The number the Phone number field would accept when only separators were wrong ("Did you mean
 * +14155550123?"), or null when removing them does not give a valid number or changes nothing.
 */
export function suggestPhoneNumber(raw: unknown): string | null {
  if (typeof raw !== "string" || raw.length > 256) return null;
  const stripped = raw.replace(HARMLESS_SEPARATORS, "");
  if (stripped === raw.trim()) return null;
  const parsed = parsePhoneInput(stripped);
  return parsed.ok ? parsed.e164 : null;
}

/** The full number, spaced for reading ("+1 415 555 0123"): only for the browser that just typed it. */
export function formatPhoneInternational(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** A phone number as shown on screen: its last 2 digits only. */
export function maskPhone(e164: string): string {
  return `••• ••• ••${e164.slice(-2)}`;
}

export function phoneCountry(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}
