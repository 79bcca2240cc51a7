import { and, asc, count, eq, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "./db/client";
import { memberships, trustedDevices, users, type Role } from "./db/schema";
import { maskPhone } from "./two-factor/phone-number";

export type MemberTwoFactorStatus = "not_set_up" | "set_up" | "self_enabled";

export interface MemberRow {
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  status: MemberTwoFactorStatus;
  phoneMasked: string | null;
  lastSecondFactorAt: Date | null;
  trustedDevices: number;
}

export const MEMBERS_PAGE_SIZE = 25;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** "Starts with" on email or name: served by the lower(...) text_pattern_ops indexes. */
function searchFilter(search: string | undefined): SQL | undefined {
  const q = search?.trim().toLowerCase();
  if (!q) return undefined;
  const pattern = `${escapeLike(q.slice(0, 100))}%`;
  return or(sql`lower(${users.email}) like ${pattern}`, sql`lower(${users.name}) like ${pattern}`);
}

/** One page of an organization's members with their 2FA state, ordered by email. */
export async function listMembers(
  db: Db,
  input: { organizationId: string; search?: string; page?: number; pageSize?: number; now: Date },
): Promise<{ rows: MemberRow[]; total: number; page: number; pageCount: number }> {
  const pageSize = input.pageSize ?? MEMBERS_PAGE_SIZE;
  const where = and(eq(memberships.organizationId, input.organizationId), searchFilter(input.search));
  const [{ total } = { total: 0 }] = await db
    .select({ total: count() })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(where);
  const pageCount = Math.max(Math.ceil(total / pageSize), 1);
  const page = Math.min(Math.max(Math.trunc(input.page ?? 1), 1), pageCount);
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      phoneE164: users.phoneE164,
      phoneVerifiedAt: users.phoneVerifiedAt,
      selfEnabled: users.twoFactorSelfEnabled,
      lastSecondFactorAt: users.lastSecondFactorAt,
      // Counted for the rows of this page only.
      trustedDevices: sql<number>`(select count(*) from ${trustedDevices} where ${trustedDevices.userId} = ${users.id}
        and ${trustedDevices.revokedAt} is null and ${trustedDevices.expiresAt} > ${input.now.toISOString()})`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(where)
    .orderBy(asc(users.email))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return {
    rows: rows.map((r) => {
      const enrolled = Boolean(r.phoneE164 && r.phoneVerifiedAt);
      return {
        userId: r.userId,
        name: r.name,
        email: r.email,
        role: r.role,
        status: !enrolled ? "not_set_up" : r.selfEnabled ? "self_enabled" : "set_up",
        phoneMasked: enrolled && r.phoneE164 ? maskPhone(r.phoneE164) : null,
        lastSecondFactorAt: r.lastSecondFactorAt,
        trustedDevices: Number(r.trustedDevices),
      };
    }),
    total,
    page,
    pageCount,
  };
}

/** "37 of 52 members" have set up two-step authentication. */
export async function enrollmentProgress(db: Db, organizationId: string): Promise<{ enrolled: number; total: number }> {
  const [row] = await db
    .select({ total: count(), enrolled: count(users.phoneVerifiedAt) })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organizationId));
  return { enrolled: row?.enrolled ?? 0, total: row?.total ?? 0 };
}
