import type { Db } from "@/lib/db/client";
import { outboxMessages } from "@/lib/db/schema";
import { nextOutboxTimestamp } from "@/lib/outbox";
import type { SmsSender } from "./sender";

/** Development transport: stores the SMS in the outbox instead of sending it. */
export function createOutboxSmsSender(getDb: () => Promise<Db>): SmsSender {
  return {
    async send({ to, text }) {
      try {
        const db = await getDb();
        const [row] = await db
          .insert(outboxMessages)
          .values({ channel: "sms", recipient: to, body: text, createdAt: nextOutboxTimestamp() })
          .returning({ id: outboxMessages.id });
        // Printing the code is the point of the outbox; it is never used in production unless OUTBOX_ENABLED=1.
        console.info(`[outbox] SMS to ${to}: ${text}`);
        return { ok: true, messageId: `outbox-${row!.id}` };
      } catch {
        // Database errors quote the query parameters (the code), so the detail is fixed.
        return { ok: false, reason: "unavailable", detail: "could not write the SMS to the outbox" };
      }
    },
  };
}
