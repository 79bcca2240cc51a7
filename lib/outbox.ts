import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { outboxMessages, type OUTBOX_CHANNELS } from "@/lib/db/schema";

export type Env = Readonly<Record<string, string | undefined>>;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];
export type OutboxMessage = typeof outboxMessages.$inferSelect;

/**
 * The outbox stores codes and links in clear and /dev/outbox shows them to anyone, so in
 * production it needs an explicit OUTBOX_ENABLED=1 (for e2e runs of the production build).
 */
export function isOutboxEnabled(env: Env = process.env): boolean {
  return env.NODE_ENV !== "production" || env.OUTBOX_ENABLED === "1";
}

let lastStamp = 0;

/**
 * The time to store on a new outbox row: never earlier than, nor equal to, the previous one
 * in this process, so "newest first" holds even where the clock only has milliseconds (PGlite).
 */
export function nextOutboxTimestamp(now = Date.now()): Date {
  lastStamp = Math.max(now, lastStamp + 1);
  return new Date(lastStamp);
}

/** Stores one message in the outbox: its id. */
export async function storeOutboxMessage(
  db: Db,
  message: { channel: OutboxChannel; recipient: string; subject?: string | null; body: string },
): Promise<string> {
  const [row] = await db
    .insert(outboxMessages)
    .values({ ...message, createdAt: nextOutboxTimestamp() })
    .returning({ id: outboxMessages.id });
  return row!.id;
}

/** `storeOutboxMessage` on the database `getDb` opens: what the SMS outbox sender is handed. */
export function outboxWriter(getDb: () => Promise<Db>) {
  return async (message: Parameters<typeof storeOutboxMessage>[1]) => storeOutboxMessage(await getDb(), message);
}

export async function listOutboxMessages(db: Db, { limit = 100 }: { limit?: number } = {}): Promise<OutboxMessage[]> {
  return db
    .select()
    .from(outboxMessages)
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(Math.max(1, Math.min(limit, 1000)));
}

export async function latestOutboxMessage(
  db: Db,
  { channel, recipient }: { channel: OutboxChannel; recipient: string },
): Promise<OutboxMessage | null> {
  const [row] = await db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.channel, channel), eq(outboxMessages.recipient, recipient)))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(1);
  return row ?? null;
}
