import { z } from "zod";
import { normalizeBackupCode } from "./backup-codes";
import { parseAuthenticatorCodeInput } from "./authenticator-code";
import { parsePhoneInput } from "./phone-number";
import { parseCodeInput } from "./sms-code";

/** zod fields for the two-factor forms; each refusal carries the message to show. */
export const smsCodeField = z.unknown().transform((value, ctx) => {
  const parsed = parseCodeInput(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }
  return parsed.code;
});

/** The authenticator app's code: the SMS code's rules (6 digits, spaces forgiven), its own words. */
export const authenticatorCodeField = z.unknown().transform((value, ctx) => {
  const parsed = parseAuthenticatorCodeInput(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }
  return parsed.code;
});

export const phoneField = z.unknown().transform((value, ctx) => {
  const parsed = parsePhoneInput(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }
  return parsed.e164;
});

export const backupCodeField = z.unknown().transform((value, ctx) => {
  const normalized = normalizeBackupCode(value);
  if (!normalized) {
    ctx.addIssue({ code: "custom", message: "A backup code has 12 letters and digits, like ABCD-EFGH-JKMN." });
    return z.NEVER;
  }
  return normalized;
});

export const checkboxField = z
  .enum(["on"])
  .optional()
  .transform((value) => value === "on");
