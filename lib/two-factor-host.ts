import { and, eq, sql } from "drizzle-orm";
import { deleteDatabaseSessions } from "./auth/database-session";
import { preparedPerDatabase } from "./db/prepared";
import { revokeAllAppSignIns } from "./oauth/grants";
import { memberships, organizations, users } from "./db/schema";
import { NO_ORGANIZATION, type TwoFactorDb, type TwoFactorHost } from "./two-factor";

const p = sql.placeholder;

// Read at every password sign-in: built once per database and prepared once per connection.
const policyQuery = preparedPerDatabase((db: TwoFactorDb) =>
  db
    .select({
      organizationId: organizations.id,
      requireTwoFactor: organizations.requireTwoFactor,
      graceUntil: organizations.twoFactorGraceUntil,
      allowedMethods: organizations.twoFactorAllowedMethods,
      secureMethodsGraceUntil: organizations.secureMethodsGraceUntil,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, p("userId")))
    .limit(1)
    .prepare("organization_policy"),
);

/**
 * The portal's answers to the two-factor plugin, from its own tables: a user's organization is
 * their one membership's (memberships_user_idx), its requirement and grace period are on
 * organizations, roles on memberships, and sessions end with users.sessions_valid_after; the
 * member's apps are signed out with them (their grants revoked: refresh and access tokens stop).
 */
export const portalTwoFactorHost: TwoFactorHost = {
  async organizationPolicy(db, userId) {
    const [row] = await policyQuery(db).execute({ userId });
    if (!row) return NO_ORGANIZATION;
    return {
      organizationId: row.organizationId,
      requireTwoFactor: row.requireTwoFactor,
      graceUntil: row.requireTwoFactor ? row.graceUntil : null,
      allowedMethods: row.allowedMethods,
      secureMethodsGraceUntil: row.allowedMethods === "secure" ? row.secureMethodsGraceUntil : null,
    };
  },
  async roleIn(db, member) {
    const [row] = await db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, member.userId), eq(memberships.organizationId, member.organizationId)))
      .limit(1);
    return row?.role ?? null;
  },
  async endSessions(db, session) {
    await db.update(users).set({ sessionsValidAfter: session.before }).where(eq(users.id, session.userId));
    await deleteDatabaseSessions(db, session.userId, session.before);
    await revokeAllAppSignIns(db, session.userId);
  },
};
