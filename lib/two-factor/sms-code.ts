import { randomInt } from "node:crypto";
import { hmacSha256 } from "../crypto";
import { formatDuration } from "../duration";

export const SMS_CODE_LENGTH = 6;

/** 6 digits from a CSPRNG. */
export function generateSmsCode(): string {
  return randomInt(0, 10 ** SMS_CODE_LENGTH).toString().padStart(SMS_CODE_LENGTH, "0");
}

/** Codes are stored only as an HMAC bound to their challenge. */
export function smsCodeHmac(key: string, challengeId: string, code: string): string {
  return hmacSha256(key, `${challengeId}:${code}`);
}

export type CodeInputResult = { ok: true; code: string } | { ok: false; message: string };

/** The "Verification code" field: exactly 6 ASCII digits (spaces around are forgiven). */
export function parseCodeInput(raw: unknown): CodeInputResult {
  if (typeof raw !== "string" || raw.trim() === "") return { ok: false, message: "Enter the 6-digit code from the text message." };
  if (raw.length > 64) return { ok: false, message: "The code is 6 digits long." };
  const value = raw.trim().replace(/ /g, "");
  if (!/^[0-9]+$/.test(value)) return { ok: false, message: "The code has digits 0-9 only." };
  if (value.length !== SMS_CODE_LENGTH) return { ok: false, message: "The code is 6 digits long." };
  return { ok: true, code: value };
}

/** The text message: the product, the code, and a last line browsers can autofill from (WebOTP). */
export function smsCodeText(input: { appName: string; code: string; codeTtlMs: number; webOtpHost: string | null }): string {
  const lines = [`${input.appName} verification code: ${input.code}. It expires in ${formatDuration(input.codeTtlMs)}. Do not share it.`];
  if (input.webOtpHost) lines.push("", `@${input.webOtpHost} #${input.code}`);
  return lines.join("\n");
}
