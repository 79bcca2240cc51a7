import { Vonage } from "@vonage/server-sdk";
import type { SmsMessage, SmsSendResult, SmsSender } from "./sender";

export interface VonageSmsSenderOptions {
  apiKey: string;
  apiSecret: string;
  /** Sender id: a number or an alphanumeric name such as "Connect". */
  from: string;
  /** @default "https://rest.nexmo.com" */
  restHost?: string;
  /** @default 10000 */
  timeoutMs?: number;
}

export const DEFAULT_VONAGE_TIMEOUT_MS = 10_000;

/** Sends through the Vonage SMS API (the SDK authenticates with HTTP Basic, key and secret). */
export function createVonageSmsSender(options: VonageSmsSenderOptions): SmsSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VONAGE_TIMEOUT_MS;
  const vonage = new Vonage(
    { apiKey: options.apiKey, apiSecret: options.apiSecret },
    { restHost: options.restHost, timeout: timeoutMs },
  );

  async function attempt(message: SmsMessage): Promise<SmsSendResult> {
    try {
      // Vonage wants E.164 without the leading "+".
      const response = await vonage.sms.send({ to: message.to.replace(/^\+/, ""), from: options.from, text: message.text });
      const messageId = response.messages?.[0]?.messageId;
      if (!messageId) return { ok: false, reason: "unavailable", detail: "vonage answered without a message id" };
      return { ok: true, messageId };
    } catch (error) {
      return classify(error, message, timeoutMs);
    }
  }

  return {
    async send(message) {
      // The SDK aborts its own fetch after `timeout`; this race also bounds everything around it.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<SmsSendResult>((resolve) => {
        timer = setTimeout(() => resolve(timeoutResult(timeoutMs)), timeoutMs);
      });
      try {
        return await Promise.race([attempt(message), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const timeoutResult = (timeoutMs: number): SmsSendResult => ({
  ok: false,
  reason: "timeout",
  detail: `no answer from vonage within ${timeoutMs} ms`,
});

interface VonageStatus {
  status?: string;
  errorText?: string;
}

/**
 * Errors are recognised by shape, not `instanceof` or class names: the SDK ships CJS and ESM
 * copies of its classes, and its errors keep the default name "Error". Details are built from
 * codes, never from the request the errors carry, which holds the message text and the number.
 */
function classify(error: unknown, message: SmsMessage, timeoutMs: number): SmsSendResult {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    getFailedMessages?: () => VonageStatus[];
    response?: { status?: unknown };
    cause?: { code?: unknown };
  };
  if (typeof e.getFailedMessages === "function") {
    const failed = e.getFailedMessages()[0] ?? {};
    const text = redact(String(failed.errorText ?? "unknown error"), message);
    return { ok: false, reason: "rejected", detail: `vonage status ${safeToken(failed.status)}: ${text}` };
  }
  if (e.name === "AbortError" || e.name === "TimeoutError") return timeoutResult(timeoutMs);
  if (typeof e.response?.status === "number") {
    return { ok: false, reason: "unavailable", detail: `vonage answered HTTP ${safeToken(e.response?.status)}` };
  }
  if (e.message === "Missing API Key" || e.message === "Missing API Secret") {
    return { ok: false, reason: "not_configured", detail: "vonage api key or secret is missing" };
  }
  const code = typeof e.cause?.code === "string" ? `: ${safeToken(e.cause.code)}` : "";
  return { ok: false, reason: "unavailable", detail: `could not reach vonage (${safeToken(e.name)}${code})` };
}

function safeToken(value: unknown): string {
  return String(value ?? "unknown").replace(/[^\w.-]/g, "").slice(0, 40) || "unknown";
}

/** Provider error texts are echoed to logs: keep the code and the number out even if Vonage quotes them. */
function redact(value: string, message: SmsMessage): string {
  let out = value.slice(0, 200);
  const digits = message.to.replace(/\D/g, "");
  for (const secret of [message.text, digits, ...(message.text.match(/\d{4,}/g) ?? [])]) {
    if (secret) out = out.split(secret).join("[redacted]");
  }
  return out;
}
