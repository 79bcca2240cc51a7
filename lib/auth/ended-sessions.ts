import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { endedSessions } from "../db/schema";
import { SESSION_MAX_AGE_SECONDS } from "./config.edge";

/**
 * Records that the session issued at `authTime` was signed out. JWT sessions live in the cookie,
 * so a copy taken before sign-out would otherwise keep working until it expires.
 */
export async function markSessionEnded(db: Db, userId: string, authTime: number, now: Date): Promise<void> {
  await db.insert(endedSessions).values({ userId, authTime, endedAt: now }).onConflictDoNothing();
  // A row only matters while a JWT issued before it could still be valid.
  const expired = new Date(now.getTime() - SESSION_MAX_AGE_SECONDS * 1000);
  await db.delete(endedSessions).where(and(eq(endedSessions.userId, userId), lt(endedSessions.endedAt, expired)));
}
