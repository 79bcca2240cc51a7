import { formatWait } from "../duration";

/**
 * Where a message is shown, which decides the ways out it may name: only the challenge and "Confirm
 * it's you" have backup codes ("security" is the Security page's own buttons), only the challenge has "Resend code" and the change of password
 * request link for every failure.
 */
export type TwoFactorScreen = "setup" | "challenge" | "change-phone" | "confirm" | "security";

export interface TwoFactorMessageContext {
  screen: TwoFactorScreen;
  /** The time `retryAfterMs` counts from. */
  now: Date;
  /** The viewer's IANA time zone when the browser said it; else the time is given in UTC. */
  timeZone?: string;
}

/** Every failure the two-factor flows answer a member with. Each has a message: see TWO_FACTOR_MESSAGES. */
export type TwoFactorErrorCode =
  | "INVALID_CODE"
  | "NO_ACTIVE_CODE"
  | "LOCKED"
  | "RESEND_TOO_SOON"
  | "ACCOUNT_SMS_LIMIT"
  | "PHONE_SMS_LIMIT"
  | "DAILY_SMS_CAP"
  | "COUNTRY_NOT_ALLOWED"
  | "SMS_FAILED"
  | "INVALID_BACKUP_CODE"
  | "INVALID_CODE_FORMAT"
  | "INVALID_AUTHENTICATOR_CODE"
  | "AUTHENTICATOR_CODE_USED"
  | "NO_AUTHENTICATOR_SETUP"
  | "NO_AUTHENTICATOR_APP"
  | "PASSKEY_NOT_ACCEPTED"
  | "NO_PASSKEY_REQUEST"
  | "NO_PASSKEY"
  | "PASSKEY_ALREADY_ADDED"
  | "PASSKEYS_UNAVAILABLE"
  | "NOT_ENROLLED"
  | "REQUIRED_BY_ORGANIZATION"
  | "LAST_METHOD_REQUIRED"
  | "LAST_METHOD"
  | "METHOD_NOT_SET_UP"
  | "SIGN_IN_ENDED"
  | "SESSION_EXPIRED"
  | "SMS_NOT_ACCEPTED";

export interface TwoFactorFailure {
  code: TwoFactorErrorCode;
  /** For limits and the lock: how long until it lifts. */
  retryAfterMs?: number;
  /**
   * INVALID_CODE: tries left for this code. INVALID_BACKUP_CODE: tries left before the lock.
   * INVALID_AUTHENTICATOR_CODE: on the setup screens ("setup", "security"), tries left for this
   * setup (its QR code); elsewhere, tries left before the lock. PASSKEY_NOT_ACCEPTED: tries left
   * before the lock (absent when adding one, which counts no try).
   */
  triesLeft?: number;
}

/** What a message is made from: the failure, its screen, and the words several messages share. */
interface MessageParts {
  failure: TwoFactorFailure;
  screen: TwoFactorScreen;
  /** The screen offers backup codes. */
  backup: boolean;
  /** "try again after 14:32", or "try again later" when the failure does not say. */
  tryAgain: string;
  /** "Use the backup code, or <rest>." where the screen has backup codes, else "<Rest>." */
  orBackup: (rest: string) => string;
}

export type TwoFactorMessages = Record<TwoFactorErrorCode, (parts: MessageParts) => string>;

const hasBackupCodes = (screen: TwoFactorScreen) => screen === "challenge" || screen === "confirm";
const newCodeAction = (screen: TwoFactorScreen) =>
  screen === "security" ? "Ask for a new one." : `Ask for a new one with “${screen === "challenge" ? "Resend code" : "Send code"}”.`;

/** The context of a form's answer: its screen, the clock, and the zone its `timeZone` field says. */
export function messageContext(screen: TwoFactorScreen, now: Date, formData?: FormData): TwoFactorMessageContext {
  const timeZone = formData?.get("timeZone");
  return { screen, now, timeZone: typeof timeZone === "string" ? timeZone : undefined };
}

/** "after 14:32" in the viewer's zone, or "after 14:32 UTC"; with the date when it is not today there. */
export function liftTime(at: Date, context: Pick<TwoFactorMessageContext, "now" | "timeZone">): string {
  const timeZone = validTimeZone(context.timeZone);
  const zone = timeZone ?? "UTC";
  const day = (date: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  const date = day(at) === day(context.now) ? "" : `${new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "long" }).format(at)}, `;
  return `after ${date}${time}${timeZone ? "" : " UTC"}`;
}

function validTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone || timeZone.length > 64) return undefined;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** Messages safe to show for every expected two-factor failure; none tells which secret was wrong. */
export const TWO_FACTOR_MESSAGES = {
  INVALID_CODE: ({ failure, screen }) => {
    const left = failure.triesLeft ?? 0;
    if (left === 0) return `That code is not right, and it can no longer be used. ${newCodeAction(screen)}`;
    return `That code is not right. ${left} ${left === 1 ? "try" : "tries"} left for this code.`;
  },
  NO_ACTIVE_CODE: ({ screen }) => `That code has expired or was replaced by a newer one. ${newCodeAction(screen)}`,
  LOCKED: ({ screen, tryAgain }) =>
    `Too many wrong codes. Two-step verification is locked: ${tryAgain}${screen === "challenge" ? ", or submit a change of password request" : ""}.`,
  RESEND_TOO_SOON: ({ failure }) =>
    `Please wait ${failure.retryAfterMs === undefined ? "a moment" : formatWait(failure.retryAfterMs)} before asking for another code.`,
  ACCOUNT_SMS_LIMIT: ({ orBackup, tryAgain }) => `Too many codes were sent to this account in the last hour. ${orBackup(tryAgain)}`,
  PHONE_SMS_LIMIT: ({ orBackup, tryAgain }) => `Too many codes were sent to this phone number today. ${orBackup(tryAgain)}`,
  DAILY_SMS_CAP: ({ orBackup, tryAgain }) => `We cannot send more text messages today. ${orBackup(tryAgain)}`,
  COUNTRY_NOT_ALLOWED: ({ backup }) =>
    backup
      ? "Text messages cannot be sent to the country of your phone number. Use the backup code."
      : "Text messages cannot be sent to this country. Use a phone number from a country your organization allows.",
  SMS_FAILED: ({ screen }) => {
    if (screen === "challenge") return "We could not send the text message. Try again in a moment with “Resend code”, or use the backup code.";
    if (screen === "confirm") return "We could not send the text message. Try again in a moment with “Send code”, or use the backup code.";
    return "We could not send the text message. Check the phone number and try again in a moment.";
  },
  INVALID_BACKUP_CODE: ({ failure }) => {
    const left = failure.triesLeft;
    if (left === undefined) return "That backup code is not right or was already used.";
    return `That backup code is not right or was already used. ${left} ${left === 1 ? "try" : "tries"} left before two-step verification is locked.`;
  },
  INVALID_CODE_FORMAT: () => "Enter the 6 digits of the code, like 123456 or 123 456.",
  INVALID_AUTHENTICATOR_CODE: ({ failure, screen }) => {
    const left = failure.triesLeft ?? 0;
    const settingUp = screen === "setup" || screen === "security";
    if (settingUp && left === 0) return "That code is not right, and this setup can no longer be used. Start again to get a new QR code.";
    const tries = `${left} ${left === 1 ? "try" : "tries"} left`;
    return settingUp
      ? `That code is not right. Check that your phone's clock is set automatically and enter the code the app shows now. ${tries} for this setup.`
      : `That code is not right. Enter the code your authenticator app shows now. ${tries} before two-step verification is locked.`;
  },
  AUTHENTICATOR_CODE_USED: () => "That code was already used. Wait for your authenticator app to show a new code, then enter it.",
  NO_AUTHENTICATOR_SETUP: () => "This setup has expired or ended. Start again to get a new QR code.",
  NO_AUTHENTICATOR_APP: () => "No authenticator app is set up for this account. Choose another way to verify.",
  PASSKEY_NOT_ACCEPTED: ({ failure }) => {
    const left = failure.triesLeft;
    const base = "That passkey or security key could not be verified.";
    if (left === undefined) return `${base} Try again, or use another one.`;
    return `${base} Try again, or choose another way to verify. ${left} ${left === 1 ? "try" : "tries"} left before two-step verification is locked.`;
  },
  NO_PASSKEY_REQUEST: () => "This passkey request has expired or was already answered. Try again.",
  NO_PASSKEY: ({ screen }) =>
    screen === "security" ? "That passkey is no longer on your account." : "No passkey is set up for this account. Choose another way to verify.",
  PASSKEY_ALREADY_ADDED: () => "This passkey or security key is already added to your account.",
  PASSKEYS_UNAVAILABLE: () => "Passkeys are not available on this site. Choose another way to verify.",
  NOT_ENROLLED: () => "Set up two-step authentication first.",
  REQUIRED_BY_ORGANIZATION: () => "Your organization requires two-step authentication, so it cannot be turned off.",
  LAST_METHOD_REQUIRED: () =>
    "Your organization requires two-step authentication, so your only verification method cannot be removed. Add another method first, then remove this one.",
  LAST_METHOD: () =>
    "This is your only verification method, so it cannot be removed. Add another method first, or choose “Turn off two-step authentication”.",
  METHOD_NOT_SET_UP: () => "That verification method is not set up on your account. Choose one listed on your Security page.",
  SIGN_IN_ENDED: () => "This sign-in has ended because the account's security settings changed since it began. Sign in again.",
  SESSION_EXPIRED: () => "Your sign-in took too long and has expired. Sign in again.",
  SMS_NOT_ACCEPTED: ({ screen }) =>
    screen === "setup"
      ? "Your organization accepts only an authenticator app or a passkey, so a phone cannot be set up. Sign in again to set up an authenticator app."
      : "Your organization accepts only an authenticator app or a passkey. Choose another verification method.",
} satisfies TwoFactorMessages;

/** Whether a code read from outside (a page's address) is one of the flows' own. */
export function isTwoFactorErrorCode(code: string): code is TwoFactorErrorCode {
  return Object.hasOwn(TWO_FACTOR_MESSAGES, code);
}

export function twoFactorMessage(failure: TwoFactorFailure, context: TwoFactorMessageContext): string {
  const { screen } = context;
  const backup = hasBackupCodes(screen);
  const tryAgain =
    failure.retryAfterMs === undefined ? "try again later" : `try again ${liftTime(new Date(context.now.getTime() + failure.retryAfterMs), context)}`;
  const orBackup = (rest: string) => (backup ? `Use the backup code, or ${rest}.` : `${rest[0]!.toUpperCase()}${rest.slice(1)}.`);
  // A code from outside the types (an old page's address) gets the generic answer.
  if (!isTwoFactorErrorCode(failure.code)) return "Something went wrong on our side. Nothing was changed; please try again.";
  return TWO_FACTOR_MESSAGES[failure.code]({ failure, screen, backup, tryAgain, orBackup });
}
