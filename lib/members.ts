import { and, asc, count, desc, eq, gt, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "./db/client";
import { authenticatorApps, backupCodes, memberships, organizations, passkeys, trustedDevices, users, type Role } from "./db/schema";
import type { ErrorCode } from "./errors";
import { queryText, readParam, type SearchParams } from "./http/query-params";
import { maskPhone } from "./two-factor/phone-number";

export type MemberTwoFactorStatus = "not_set_up" | "set_up" | "self_enabled";

/** The second-factor methods a member has, as the members table lists them. */
export interface MemberMethods {
  /** A verified phone. */
  sms: boolean;
  /** A confirmed authenticator app (a setup still waiting for its first code is none). */
  authenticatorApp: boolean;
  /** How many passkeys or security keys. */
  passkeys: number;
  /** Unused backup codes of the member's set, or null without a set. */
  backupCodesLeft: number | null;
}

export interface MemberRow {
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  status: MemberTwoFactorStatus;
  phoneMasked: string | null;
  lastSecondFactorAt: Date | null;
  trustedDevices: number;
  methods: MemberMethods;
  /** A confirmed authenticator app or a passkey (users.has_secure_method, kept by triggers): compliant under "secure methods only". */
  secureMethod: boolean;
}

export const MEMBERS_PAGE_SIZE = 25;
export const MEMBER_SEARCH_MAX_LENGTH = 100;

export interface MembersQuery {
  search: string;
  after?: string;
  before?: string;
}

const EMAIL_CURSOR = queryText(254).pipe(z.string().min(1));

/**
 * The members table's query (`q`, and the page cursors `after` and `before`, which are emails)
 * in canonical form. A parameter that is not valid is left out and named in `problems`.
 */
export function parseMembersQuery(params: SearchParams): { query: MembersQuery; problems: ErrorCode[] } {
  const problems: ErrorCode[] = [];
  const search = readParam(params, "q", queryText(MEMBER_SEARCH_MAX_LENGTH), "", "INVALID_SEARCH", problems);
  const after = readParam<string | undefined>(params, "after", EMAIL_CURSOR, undefined, "INVALID_PAGE_LINK", problems);
  const before = readParam<string | undefined>(params, "before", EMAIL_CURSOR, undefined, "INVALID_PAGE_LINK", problems);
  if (after !== undefined && before !== undefined) return { query: { search }, problems: [...problems, "INVALID_PAGE_LINK"] };
  return { query: { search, after, before }, problems };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** "Starts with" on email or name: served by the lower(...) text_pattern_ops indexes. */
function searchFilter(search: string | undefined): SQL | undefined {
  const q = search?.trim().toLowerCase();
  if (!q) return undefined;
  const pattern = `${escapeLike(q.slice(0, MEMBER_SEARCH_MAX_LENGTH))}%`;
  return or(sql`lower(${users.email}) like ${pattern}`, sql`lower(${users.name}) like ${pattern}`);
}

/**
 * One page of an organization's members with their 2FA state, ordered by email. Keyset paging (an
 * email cursor, not OFFSET), so every page walks the email index for 25 rows at any size.
 */
export async function listMembers(
  db: Db,
  input: { organizationId: string; search?: string; after?: string; before?: string; pageSize?: number; now: Date },
): Promise<{ rows: MemberRow[]; total: number; nextCursor: string | null; prevCursor: string | null }> {
  const pageSize = input.pageSize ?? MEMBERS_PAGE_SIZE;
  const inOrganization = and(eq(memberships.organizationId, input.organizationId), searchFilter(input.search));
  const forward = !input.before;
  const cursor = input.after ? gt(users.email, input.after) : input.before ? lt(users.email, input.before) : undefined;
  const found = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      phoneE164: users.phoneE164,
      phoneVerifiedAt: users.phoneVerifiedAt,
      selfEnabled: users.twoFactorSelfEnabled,
      lastSecondFactorAt: users.lastSecondFactorAt,
      secureMethod: users.hasSecureMethod,
      // Counted for the rows of this page only.
      trustedDevices: sql<number>`(select count(*) from ${trustedDevices} where ${trustedDevices.userId} = ${users.id}
        and ${trustedDevices.revokedAt} is null and ${trustedDevices.expiresAt} > ${input.now.toISOString()})`,
      // Also per row shown, each a probe of the table's user index. A scalar subquery, not EXISTS:
      // PostgreSQL may run an EXISTS here as one hashed scan of every app of every organization.
      hasAuthenticatorApp: sql<boolean>`coalesce((select true from ${authenticatorApps} where ${authenticatorApps.userId} = ${users.id}
        and ${authenticatorApps.confirmedAt} is not null limit 1), false)`,
      passkeys: sql<number>`(select count(*) from ${passkeys} where ${passkeys.userId} = ${users.id})`,
      backupCodesLeft: sql<number | null>`(select case when count(*) = 0 then null else count(*) filter (where ${backupCodes.usedAt} is null) end
        from ${backupCodes} where ${backupCodes.userId} = ${users.id})`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(inOrganization, cursor))
    .orderBy(forward ? asc(users.email) : desc(users.email))
    .limit(pageSize + 1);
  const more = found.length > pageSize;
  const page = found.slice(0, pageSize);
  if (!forward) page.reverse();
  const first = page[0]?.email ?? null;
  const last = page.at(-1)?.email ?? null;
  return {
    rows: page.map(toMemberRow),
    total: await countMembers(db, input.organizationId, input.search),
    nextCursor: forward ? (more ? last : null) : last,
    prevCursor: forward ? (input.after ? first : null) : more ? first : null,
  };
}

function toMemberRow(r: {
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  phoneE164: string | null;
  phoneVerifiedAt: Date | null;
  selfEnabled: boolean;
  lastSecondFactorAt: Date | null;
  trustedDevices: number;
  hasAuthenticatorApp: boolean;
  passkeys: number | string;
  backupCodesLeft: number | string | null;
  secureMethod: boolean;
}): MemberRow {
  const sms = Boolean(r.phoneE164 && r.phoneVerifiedAt);
  const passkeyCount = Number(r.passkeys);
  // Set up with any method: SMS, an authenticator app or a passkey.
  const enrolled = sms || r.hasAuthenticatorApp === true || passkeyCount > 0;
  return {
    userId: r.userId,
    name: r.name,
    email: r.email,
    role: r.role,
    status: !enrolled ? "not_set_up" : r.selfEnabled ? "self_enabled" : "set_up",
    phoneMasked: sms && r.phoneE164 ? maskPhone(r.phoneE164) : null,
    lastSecondFactorAt: r.lastSecondFactorAt,
    trustedDevices: Number(r.trustedDevices),
    methods: {
      sms,
      authenticatorApp: r.hasAuthenticatorApp === true,
      passkeys: passkeyCount,
      backupCodesLeft: r.backupCodesLeft === null ? null : Number(r.backupCodesLeft),
    },
    secureMethod: r.secureMethod,
  };
}

/** Without a search the organization's counter answers; a search counts its (index-found) matches. */
async function countMembers(db: Db, organizationId: string, search: string | undefined): Promise<number> {
  const filter = searchFilter(search);
  if (!filter) return (await enrollmentProgress(db, organizationId)).total;
  const [row] = await db
    .select({ total: count() })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), filter));
  return row?.total ?? 0;
}

/**
 * "37 of 52 members" have set up two-step authentication, and how many use a secure method (an
 * authenticator app or a passkey): the counters the database keeps (drizzle/0005, 0012).
 */
export async function enrollmentProgress(db: Db, organizationId: string): Promise<{ enrolled: number; secure: number; total: number }> {
  const [row] = await db
    .select({ total: organizations.memberCount, enrolled: organizations.enrolledCount, secure: organizations.secureEnrolledCount })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .limit(1);
  return { enrolled: row?.enrolled ?? 0, secure: row?.secure ?? 0, total: row?.total ?? 0 };
}
