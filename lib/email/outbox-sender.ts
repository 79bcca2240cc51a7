import type { Db } from "@/lib/db/client";
import { outboxMessages } from "@/lib/db/schema";
import { nextOutboxTimestamp } from "@/lib/outbox";
import type { EmailSender } from "./sender";

/** Development transport: stores the email in the outbox instead of sending it. */
export function createOutboxEmailSender(getDb: () => Promise<Db>): EmailSender {
  return {
    async send({ to, subject, text }) {
      try {
        const db = await getDb();
        await db
          .insert(outboxMessages)
          .values({ channel: "email", recipient: to, subject, body: text, createdAt: nextOutboxTimestamp() });
        // Printing the link is the point of the outbox; it is never used in production unless OUTBOX_ENABLED=1.
        console.info(`[outbox] Email to ${to} "${subject}": ${text}`);
        return { ok: true };
      } catch {
        // Database errors quote the query parameters (the link), so the detail is fixed.
        return { ok: false, reason: "unavailable", detail: "could not write the email to the outbox" };
      }
    },
  };
}
