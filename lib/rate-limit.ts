import { sql } from "drizzle-orm";
import type { Db } from "./db/client";
import { rowsOf } from "./db/rows";

export interface RateLimitRule {
  /** Hits allowed in one window. */
  limit: number;
  windowMs: number;
}

export type RateLimitResult = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * Counts one hit under `key` and says whether it is within the rule. The counter lives in the
 * database so every app instance shares it; the upsert is one atomic statement, so concurrent
 * hits are all counted.
 */
export async function consumeRateLimit(db: Db, key: string, rule: RateLimitRule, now: Date): Promise<RateLimitResult> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const rows = await db.execute(sql`
    insert into rate_limit_buckets (key, hits, window_started_at)
    values (${key}, 1, ${now.toISOString()})
    on conflict (key) do update set
      hits = case when rate_limit_buckets.window_started_at <= ${windowStart.toISOString()} then 1
                  else rate_limit_buckets.hits + 1 end,
      window_started_at = case when rate_limit_buckets.window_started_at <= ${windowStart.toISOString()}
                  then ${now.toISOString()}::timestamptz else rate_limit_buckets.window_started_at end
    returning hits, window_started_at`);
  const row = rowsOf<{ hits: number; window_started_at: string | Date }>(rows)[0]!;
  const hits = Number(row.hits);
  if (hits <= rule.limit) return { allowed: true, remaining: rule.limit - hits };
  const startedAt = new Date(row.window_started_at).getTime();
  return { allowed: false, retryAfterMs: Math.max(startedAt + rule.windowMs - now.getTime(), 0) };
}

/** Takes back one hit, e.g. after a successful sign-in, so only failures count. */
export async function refundRateLimit(db: Db, key: string): Promise<void> {
  await db.execute(sql`update rate_limit_buckets set hits = greatest(hits - 1, 0) where key = ${key}`);
}

/** Reads a counter without counting. */
export async function peekRateLimit(db: Db, key: string, rule: RateLimitRule, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const rows = await db.execute(sql`
    select hits from rate_limit_buckets where key = ${key} and window_started_at > ${windowStart.toISOString()}`);
  return Number(rowsOf<{ hits: number }>(rows)[0]?.hits ?? 0);
}
