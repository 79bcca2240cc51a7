import type { SmsSender } from "./sender";

/** Where the outbox sender puts a text (lib/outbox.ts's `outboxWriter`): the stored message's id. */
export type StoreInOutbox = (message: { channel: "sms"; recipient: string; body: string }) => Promise<string>;

/** Development transport: stores the SMS in the outbox instead of sending it. */
export function createOutboxSmsSender(store: StoreInOutbox): SmsSender {
  return {
    async send({ to, text }) {
      try {
        const id = await store({ channel: "sms", recipient: to, body: text });
        // Printing the code is the point of the outbox; it is never used in production unless OUTBOX_ENABLED=1.
        console.info(`[outbox] SMS to ${to}: ${text}`);
        return { ok: true, messageId: `outbox-${id}` };
      } catch {
        // Database errors quote the query parameters (the code), so the detail is fixed.
        return { ok: false, reason: "unavailable", detail: "could not write the SMS to the outbox" };
      }
    },
  };
}
