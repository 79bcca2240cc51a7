import type { Clock } from "@/lib/clock";
import { hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/client";
import { normalizeEmail } from "@/lib/users";
import { memberships, organizations, passwordCredentials, users, type Role } from "@/lib/db/schema";

/** A clock the test moves by hand. */
export function testClock(start = new Date("2026-11-28T10:00:00Z")): Clock & { advance(ms: number): void; set(d: Date): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (date) => {
      current = date.getTime();
    },
  };
}

let passwordHashCache: Map<string, Promise<string>> = new Map();

export async function createOrganization(db: Db, name = `Org ${crypto.randomUUID().slice(0, 8)}`) {
  const [org] = await db.insert(organizations).values({ name }).returning();
  return org!;
}

export async function createUser(
  db: Db,
  options: { organizationId?: string; role?: Role; password?: string; email?: string; name?: string } = {},
) {
  const email = options.email ?? `user-${crypto.randomUUID().slice(0, 12)}@example.test`;
  const password = options.password ?? "correct horse battery staple";
  if (!passwordHashCache.has(password)) passwordHashCache.set(password, hashPassword(password));
  const [user] = await db.insert(users).values({ email: normalizeEmail(email), name: options.name ?? "Test User" }).returning();
  await db.insert(passwordCredentials).values({ userId: user!.id, hash: await passwordHashCache.get(password)! });
  if (options.organizationId) {
    await db.insert(memberships).values({ organizationId: options.organizationId, userId: user!.id, role: options.role ?? "member" });
  }
  return { ...user!, password };
}

export const testRequest = (ip = "203.0.113.7") => ({ ip, userAgent: "vitest" });

export function resetFixtureCaches() {
  passwordHashCache = new Map();
}
