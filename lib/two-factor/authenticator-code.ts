import { generateHOTP, verifyHOTP } from "@oslojs/otp";

/** RFC 6238 as every authenticator app supports it: HMAC-SHA-1, 30-second steps, 6 digits. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps of clock drift accepted either way. */
export const TOTP_DRIFT_STEPS = 1;

/** The RFC 6238 time step (T) of an instant: unix seconds / 30, rounded down. */
export function timeStepAt(now: Date): number {
  return Math.floor(now.getTime() / (TOTP_PERIOD_SECONDS * 1000));
}

/** The code an app shows at `now` for this secret. */
export function authenticatorCodeAt(secret: Uint8Array, now: Date): string {
  return generateHOTP(secret, BigInt(timeStepAt(now)), TOTP_DIGITS);
}

/**
 * The steps within the drift of `now` whose code is `code`, oldest first. Every step is compared,
 * each in constant time (verifyHOTP), whichever matches: the answer's timing says nothing of which.
 */
export function matchingSteps(secret: Uint8Array, code: string, now: Date): number[] {
  const current = timeStepAt(now);
  const matched: number[] = [];
  for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
    if (verifyHOTP(secret, BigInt(step), TOTP_DIGITS, code)) matched.push(step);
  }
  return matched;
}

/**
 * The step a right code is accepted for: the oldest matching step later than the last accepted
 * one (`lastUsedStep`), or null. A code of the last step or an earlier one is a replay.
 */
export function acceptableStep(matched: number[], lastUsedStep: number | null): number | null {
  return matched.find((step) => lastUsedStep === null || step > lastUsedStep) ?? null;
}

export type AuthenticatorCodeInput = { ok: true; code: string } | { ok: false; message: string };

/**
 * The "Code from your authenticator app" field, as the SMS code's: exactly 6 ASCII digits, spaces
 * forgiven (apps show "123 456"). A refusal is answered before anything is read, so it counts no try.
 */
export function parseAuthenticatorCodeInput(raw: unknown): AuthenticatorCodeInput {
  if (typeof raw !== "string" || raw.trim() === "") return { ok: false, message: "Enter the 6-digit code your authenticator app shows." };
  if (raw.length > 64) return { ok: false, message: "The code is 6 digits long." };
  const value = raw.trim().replace(/ /g, "");
  if (!/^[0-9]+$/.test(value)) return { ok: false, message: "The code has digits 0-9 only." };
  if (value.length !== TOTP_DIGITS) return { ok: false, message: "The code is 6 digits long." };
  return { ok: true, code: value };
}
