import nodemailer from "nodemailer";
import SMTPTransport from "nodemailer/lib/smtp-transport";
import type { EmailMessage, EmailSendResult, EmailSender } from "./sender";

export interface SmtpEmailSenderOptions {
  /** e.g. smtp://user:pass@smtp.example.com:587 or smtps://...:465 */
  url: string;
  /** @default "Connect <no-reply@connect.invalid>" */
  from?: string;
  /** @default 10000 */
  timeoutMs?: number;
}

export const DEFAULT_EMAIL_FROM = "Connect <no-reply@connect.invalid>";

export function createSmtpEmailSender({ url, from = DEFAULT_EMAIL_FROM, timeoutMs = 10_000 }: SmtpEmailSenderOptions): EmailSender {
  // An SMTPTransport instance: given `{ url }` alone, createTransport would drop the timeouts.
  const transport = nodemailer.createTransport(
    new SMTPTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }),
  );

  async function attempt(message: EmailMessage): Promise<EmailSendResult> {
    try {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: "unavailable", detail: describe(error, message) };
    }
  }

  return {
    async send(message) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<EmailSendResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: "unavailable", detail: `smtp: no answer within ${timeoutMs} ms` }),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([attempt(message), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Safe to log: codes and the server's reply, with the body cut out should the server quote it. */
function describe(error: unknown, message: EmailMessage): string {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown };
  const parts = [e.code, e.responseCode, e.command].filter((part) => part !== undefined && part !== null).map(String);
  let text = typeof e.message === "string" ? e.message.slice(0, 200) : "unknown error";
  if (message.text) text = text.split(message.text).join("[redacted]");
  for (const token of message.text.match(/\S{16,}/g) ?? []) text = text.split(token).join("[redacted]");
  return `smtp ${parts.join(" ") || "error"}: ${text}`;
}
