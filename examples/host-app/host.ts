import { and, eq, lt } from "drizzle-orm";
import { NO_ORGANIZATION, type TwoFactorDb, type TwoFactorHost } from "@connect-2fa";
import { getDb } from "./db";
import { memberships, organizations, sessions, users } from "./schema";

/** The user's one membership, or null. */
export async function membershipOf(db: TwoFactorDb, userId: string) {
  const [row] = await db.select().from(memberships).where(eq(memberships.userId, userId)).limit(1);
  return row ?? null;
}

/** The host's answers to the plugin, from its own tables. */
export const hostAnswers: TwoFactorHost = {
  async organizationPolicy(db, userId) {
    const [row] = await db
      .select({ organizationId: organizations.id, requireTwoFactor: organizations.requireTwoFactor, allowedMethods: organizations.twoFactorAllowedMethods })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(eq(memberships.userId, userId))
      .limit(1);
    return row ? { ...row, graceUntil: null } : NO_ORGANIZATION;
  },
  async roleIn(db, member) {
    const row = await membershipOf(db, member.userId);
    return row?.organizationId === member.organizationId ? row.role : null;
  },
  async endSessions(db, session) {
    await db.delete(sessions).where(and(eq(sessions.userId, session.userId), lt(sessions.authTime, session.before)));
  },
};

/** A new user (their email verified by the provider) joins, as a member, the organization of its domain. */
export async function joinOrganizationOfEmailDomain(user: { id: string; email: string | null }) {
  const domain = user.email?.split("@").pop()?.toLowerCase();
  if (!domain) return;
  const db = getDb();
  const [organization] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.emailDomain, domain)).limit(1);
  if (organization) await db.insert(memberships).values({ userId: user.id, organizationId: organization.id }).onConflictDoNothing();
}

export async function emailOf(userId: string) {
  const [row] = await getDb().select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.email ?? null;
}
