import { eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "./db/client";
import { preparedPerDatabase } from "./db/prepared";
import { standingColumns } from "./two-factor/pending-standing";
import { endedSessions, memberships, organizations, passwordCredentials, users, type Role } from "./db/schema";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserWithPasswordByEmail(db: Db, email: string) {
  const [row] = await db
    .select({ user: users, passwordHash: passwordCredentials.hash })
    .from(users)
    .leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id))
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return row ?? null;
}

export interface Viewer {
  user: { id: string; email: string; name: string | null; sessionsValidAfter: Date; twoFactorEnrolled: boolean };
  organization: { id: string; name: string; requireTwoFactor: boolean; twoFactorGraceUntil: Date | null } | null;
  role: Role | null;
  /**
   * Issue 18: while the organization accepts secure methods only and its grace for SMS-only members
   * runs, and the viewer has no authenticator app or passkey: until when SMS still works. Else null.
   */
  secureMethodDueBy?: Date | null;
}

// Built once per database and prepared once per connection: it runs on every page.
const viewerQuery = preparedPerDatabase((db: DbOrTx) =>
  db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      sessionsValidAfter: users.sessionsValidAfter,
      // Any second factor (a verified phone, an authenticator app, a passkey): two index lookups.
      twoFactorEnrolled: standingColumns.enrolled,
      role: memberships.role,
      orgId: organizations.id,
      orgName: organizations.name,
      requireTwoFactor: organizations.requireTwoFactor,
      graceUntil: organizations.twoFactorGraceUntil,
      allowedMethods: organizations.twoFactorAllowedMethods,
      secureGraceUntil: organizations.secureMethodsGraceUntil,
      hasSecureMethod: users.hasSecureMethod,
      ended: sql<boolean>`exists (select 1 from ${endedSessions} where ${endedSessions.userId} = ${users.id} and ${endedSessions.authTime} = ${sql.placeholder("authTime")})`,
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(users.id, sql.placeholder("userId")))
    .limit(1)
    .prepare("load_viewer"),
);

/**
 * The signed-in user with their organization, role and what the grace banner needs, in one query
 * (it runs on every page). With `authTime`, a session that was signed out (see ended-sessions)
 * loads as null.
 */
export async function loadViewer(db: Db, userId: string, authTime?: number): Promise<Viewer | null> {
  // No session is issued at time -1, so without `authTime` nothing counts as signed out.
  const [row] = await viewerQuery(db).execute({ userId, authTime: authTime ?? -1 });
  if (!row || row.ended) return null;
  return {
    user: {
      id: row.id,
      email: row.email,
      name: row.name,
      sessionsValidAfter: row.sessionsValidAfter,
      twoFactorEnrolled: Boolean(row.twoFactorEnrolled),
    },
    organization: row.orgId
      ? { id: row.orgId, name: row.orgName ?? "", requireTwoFactor: row.requireTwoFactor ?? false, twoFactorGraceUntil: row.graceUntil ?? null }
      : null,
    role: row.role ?? null,
    secureMethodDueBy: row.allowedMethods === "secure" && !row.hasSecureMethod ? (row.secureGraceUntil ?? null) : null,
  };
}

/** The home page's notice under "secure methods only": until when SMS still works for the viewer, or null. */
export function secureMethodNoticeUntil(viewer: Viewer, now: Date): Date | null {
  const until = viewer.secureMethodDueBy;
  return until && until > now ? until : null;
}

export function isOrganizationAdmin(role: Role | null): boolean {
  return role === "owner" || role === "admin";
}

/** The organization a user belongs to, for audit events. */
export async function organizationIdOf(db: DbOrTx, userId: string): Promise<string | null> {
  const [row] = await db.select({ id: memberships.organizationId }).from(memberships).where(eq(memberships.userId, userId)).limit(1);
  return row?.id ?? null;
}

/** Until when the viewer may still skip setting up 2FA (the grace banner), or null. */
export function graceBannerUntil(viewer: Viewer, now: Date): Date | null {
  const until = viewer.organization?.requireTwoFactor ? viewer.organization.twoFactorGraceUntil : null;
  return until && until > now && !viewer.user.twoFactorEnrolled ? until : null;
}
