import { formatWait } from "../errors";

/** Messages safe to show for every expected two-factor failure; none tells which secret was wrong. */
export function twoFactorMessage(failure: { code: string; retryAfterMs?: number; triesLeft?: number }): string {
  switch (failure.code) {
    case "INVALID_CODE": {
      const left = failure.triesLeft ?? 0;
      if (left === 0) return "That code is not right, and it can no longer be used. Ask for a new code.";
      return `That code is not right. ${left} ${left === 1 ? "try" : "tries"} left for this code.`;
    }
    case "NO_ACTIVE_CODE":
      return "That code has expired or was replaced by a newer one. Ask for a new code.";
    case "LOCKED":
      return "Too many wrong codes. Two-step verification is locked for 15 minutes. Try again later or submit a change of password request.";
    case "RESEND_TOO_SOON":
      return `Please wait ${formatWait(failure.retryAfterMs ?? 30_000)} before asking for another code.`;
    case "ACCOUNT_SMS_LIMIT":
      return "Too many codes were sent to this account in the last hour. Use a backup code, or try again later.";
    case "PHONE_SMS_LIMIT":
      return "Too many codes were sent to this phone number today. Use a backup code, or try again tomorrow.";
    case "DAILY_SMS_CAP":
      return "We cannot send more text messages today. Use a backup code, or try again tomorrow.";
    case "COUNTRY_NOT_ALLOWED":
      return "Text messages cannot be sent to this country. Use a phone number from a country your organization allows.";
    case "SMS_FAILED":
      return "We could not send the text message. Try again in a moment with “Resend code”, or use a backup code.";
    case "INVALID_BACKUP_CODE":
      return "That backup code is not right or was already used.";
    case "NOT_ENROLLED":
      return "Set up two-step authentication first.";
    case "REQUIRED_BY_ORGANIZATION":
      return "Your organization requires two-step authentication, so it cannot be turned off.";
    case "SIGN_IN_ENDED":
      return "This sign-in has ended because the account's security settings changed since it began. Sign in again.";
    case "SESSION_EXPIRED":
      return "Your sign-in took too long and has expired. Sign in again.";
    default:
      return "Something went wrong on our side. Nothing was changed; please try again.";
  }
}
