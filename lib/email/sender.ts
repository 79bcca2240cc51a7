/** One email. `text` may hold a single-use link: never log it. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

export type EmailSendResult = { ok: true } | { ok: false; reason: "not_configured" | "unavailable"; detail: string };

/** The email transport; expected failures are values, not throws. */
export interface EmailSender {
  send(message: EmailMessage): Promise<EmailSendResult>;
}
