import { isOutboxEnabled, type Env } from "@/lib/outbox";
import { createOutboxSmsSender, type StoreInOutbox } from "./outbox-sender";
import type { SmsSender } from "./sender";
import { createVonageSmsSender } from "./vonage-sender";

export type { SmsMessage, SmsSendResult, SmsSender, SmsFailureReason } from "./sender";

function notConfigured(detail: string): SmsSender {
  return { send: async () => ({ ok: false, reason: "not_configured", detail }) };
}

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Vonage when VONAGE_API_KEY is set; else the dev outbox (through `storeInOutbox`) when enabled; else a sender that refuses. */
export function smsSenderFromEnv(env: Env, storeInOutbox: StoreInOutbox): SmsSender {
  if (env.VONAGE_API_KEY) {
    if (!env.VONAGE_API_SECRET) return notConfigured("VONAGE_API_SECRET is not set");
    return createVonageSmsSender({
      apiKey: env.VONAGE_API_KEY,
      apiSecret: env.VONAGE_API_SECRET,
      from: env.VONAGE_SMS_FROM || "Connect",
      restHost: env.VONAGE_REST_HOST || undefined,
      timeoutMs: positiveInt(env.VONAGE_TIMEOUT_MS),
    });
  }
  if (isOutboxEnabled(env)) return createOutboxSmsSender(storeInOutbox);
  return notConfigured("VONAGE_API_KEY is not set");
}

/** A sentence for the server log when SMS cannot work (or only goes to the outbox) in production. */
export function smsConfigurationWarning(env: Env = process.env): string | null {
  if (env.NODE_ENV !== "production") return null;
  if (env.VONAGE_API_KEY && !env.VONAGE_API_SECRET) {
    return "SMS: VONAGE_API_KEY is set but VONAGE_API_SECRET is not; sending verification codes will fail.";
  }
  if (env.VONAGE_API_KEY) return null;
  if (isOutboxEnabled(env)) {
    return "SMS: OUTBOX_ENABLED=1 and VONAGE_API_KEY is not set; verification codes are not sent but stored in the outbox and shown at /dev/outbox.";
  }
  return "SMS: VONAGE_API_KEY, VONAGE_API_SECRET and VONAGE_SMS_FROM are not set; sending verification codes will fail.";
}
