import type { SmsFailureReason, SmsMessage, SmsSender, SmsSendResult } from "@/lib/sms/sender";

export type SmsFailure = { ok: false; reason: SmsFailureReason; detail: string };

/** What the next send does: answer a value, or throw (a sender bug or a crashed SDK). */
type Behaviour = { kind: "fail"; result: SmsFailure } | { kind: "throw"; error: Error };

export interface RecordingSmsSender extends SmsSender {
  /** Every message the core handed over, including ones answered with a failure. */
  readonly attempts: SmsMessage[];
  /** Messages the "provider" accepted: what reached a phone. */
  readonly messages: SmsMessage[];
  /** Accepted messages to one number, oldest first. */
  messagesTo(phone: string): SmsMessage[];
  /** The 6-digit code of the newest accepted message to `phone`; throws when there is none. */
  lastCodeTo(phone: string): string;
  /** The next send (only) answers this failure. */
  failNext(result?: SmsFailure): void;
  /** Every send answers this failure until `succeed()`. */
  failAlways(result?: SmsFailure): void;
  /** The next send throws (with `always`, every send) instead of answering. */
  throwNext(error?: Error, options?: { always?: boolean }): void;
  /** Back to accepting every message. */
  succeed(): void;
  /** Runs before each send resolves: lets a test act while an SMS is "on its way". */
  onSend: ((message: SmsMessage) => Promise<void> | void) | null;
}

const DEFAULT_FAILURE: SmsFailure = { ok: false, reason: "rejected", detail: "status 4" };

/** An SmsSender for tests: records what would have been texted and fails on request. */
export function recordingSmsSender(): RecordingSmsSender {
  const queue: Behaviour[] = [];
  let always: Behaviour | null = null;
  let counter = 0;
  const sender: RecordingSmsSender = {
    attempts: [],
    messages: [],
    onSend: null,
    async send(message: SmsMessage): Promise<SmsSendResult> {
      sender.attempts.push({ ...message });
      if (sender.onSend) await sender.onSend(message);
      const behaviour = queue.shift() ?? always;
      if (behaviour?.kind === "throw") throw behaviour.error;
      if (behaviour?.kind === "fail") return { ...behaviour.result };
      sender.messages.push({ ...message });
      counter += 1;
      return { ok: true, messageId: `test-message-${counter}` };
    },
    messagesTo(phone) {
      return sender.messages.filter((m) => m.to === phone);
    },
    lastCodeTo(phone) {
      const last = sender.messagesTo(phone).at(-1);
      if (!last) throw new Error(`no SMS was accepted for ${phone}`);
      return extractCode(last.text);
    },
    failNext(result = DEFAULT_FAILURE) {
      queue.push({ kind: "fail", result });
    },
    failAlways(result = DEFAULT_FAILURE) {
      always = { kind: "fail", result };
    },
    throwNext(error = new Error("sender exploded"), options = {}) {
      if (options.always) always = { kind: "throw", error };
      else queue.push({ kind: "throw", error });
    },
    succeed() {
      queue.length = 0;
      always = null;
    },
  };
  return sender;
}

/** The code in a message text: exactly one 6-digit run (the WebOTP line repeats the same code). */
export function extractCode(text: string): string {
  const codes = new Set(text.match(/(?<!\d)\d{6}(?!\d)/g) ?? []);
  if (codes.size !== 1) throw new Error(`expected one 6-digit code in the message, found ${codes.size}`);
  return [...codes][0]!;
}
