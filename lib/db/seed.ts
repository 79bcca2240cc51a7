import { eq } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import type { Db } from "./client";
import { memberships, organizations, passwordCredentials, users, type Role } from "./schema";

export const DEMO_ORGANIZATION = "Acme";
export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "owner@example.com", name: "Olivia Owner", role: "owner" },
  { email: "admin@example.com", name: "Adam Admin", role: "admin" },
  { email: "member@example.com", name: "Mia Member", role: "member" },
];

/** The demo data of DESIGN.md. Safe to run twice: it adds what is missing and changes nothing else. */
export async function seedDemoData(db: Db, password: string): Promise<{ created: string[] }> {
  const created: string[] = [];
  let [org] = await db.select().from(organizations).where(eq(organizations.name, DEMO_ORGANIZATION)).limit(1);
  if (!org) {
    [org] = await db.insert(organizations).values({ name: DEMO_ORGANIZATION }).returning();
    created.push(`organization ${DEMO_ORGANIZATION}`);
  }
  const passwordHash = await hashPassword(password);
  for (const account of DEMO_ACCOUNTS) {
    const [inserted] = await db
      .insert(users)
      .values({ email: account.email, name: account.name })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!inserted) continue;
    await db.insert(passwordCredentials).values({ userId: inserted.id, hash: passwordHash });
    await db.insert(memberships).values({ organizationId: org!.id, userId: inserted.id, role: account.role });
    created.push(account.email);
  }
  return { created };
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).limit(1);
  return rows.length === 0;
}
