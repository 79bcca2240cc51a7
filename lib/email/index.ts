import { getDb as defaultGetDb, type Db } from "@/lib/db/client";
import { isOutboxEnabled, type Env } from "@/lib/outbox";
import { createOutboxEmailSender } from "./outbox-sender";
import type { EmailSender } from "./sender";
import { createSmtpEmailSender } from "./smtp-sender";

export type { EmailMessage, EmailSendResult, EmailSender } from "./sender";

/** SMTP when SMTP_URL is set; else the dev outbox when enabled; else a sender that refuses. */
export function emailSenderFromEnv(env: Env = process.env, getDb: () => Promise<Db> = defaultGetDb): EmailSender {
  if (env.SMTP_URL) {
    const timeoutMs = Number(env.SMTP_TIMEOUT_MS);
    return createSmtpEmailSender({
      url: env.SMTP_URL,
      from: env.SMTP_FROM || undefined,
      timeoutMs: Number.isInteger(timeoutMs) && timeoutMs > 0 ? timeoutMs : undefined,
    });
  }
  if (isOutboxEnabled(env)) return createOutboxEmailSender(getDb);
  return { send: async () => ({ ok: false, reason: "not_configured", detail: "SMTP_URL is not set" }) };
}

/** A sentence for the server log when email cannot work in production. */
export function emailConfigurationWarning(env: Env = process.env): string | null {
  if (env.NODE_ENV !== "production" || env.SMTP_URL) return null;
  if (isOutboxEnabled(env)) return "Email: SMTP_URL is not set; emails go to the outbox at /dev/outbox (OUTBOX_ENABLED=1). Never do this on a real deployment.";
  return "Email: SMTP_URL is not set; password reset emails will not be sent.";
}
