/** One text message. `text` may hold a one-time code: never log it. */
export interface SmsMessage {
  /** E.164, e.g. +17891234567 */
  to: string;
  text: string;
}

export type SmsFailureReason =
  /** no provider configured (production without Vonage credentials) */
  | "not_configured"
  /** the provider answered but refused the message (a non-"0" Vonage status) */
  | "rejected"
  /** the provider answered with an HTTP error (4xx/5xx) or could not be reached */
  | "unavailable"
  /** no answer within the timeout */
  | "timeout";

export type SmsSendResult =
  | { ok: true; messageId: string }
  /** `detail` is safe to log: it never contains the message text or the full number. */
  | { ok: false; reason: SmsFailureReason; detail: string };

/** The SMS transport the two-factor core is given; expected failures are values, not throws. */
export interface SmsSender {
  send(message: SmsMessage): Promise<SmsSendResult>;
}
