// Item 5: the members page's queries (issue 5) at 1,000, 10,000 and 100,000 members.
import { sql } from "drizzle-orm";
import type { DatabaseHandle, Db } from "../lib/db/client";
import { organizations } from "../lib/db/schema";
import { pagesTouched } from "./lib/plans";

export const MEMBER_COUNTS = [1_000, 10_000, 100_000] as const;

/** What the members page module must export for this item to run (lib/members.ts, issue 5). */
interface MembersModule {
  // Offset pages (`page`) or keyset pages (`after`: the last email of the previous page): the bench
  // passes both, each implementation reads its own.
  listMembers(
    db: Db,
    input: { organizationId: string; search?: string; page?: number; after?: string; pageSize?: number; now: Date },
  ): Promise<{ rows: unknown[]; total: number }>;
  enrollmentProgress(db: Db, organizationId: string): Promise<{ enrolled: number; total: number }>;
}

export type MembersResult =
  | { status: "waiting"; reason: string }
  | {
      status: "measured";
      /** per member count: ms per call (median of repeated calls) and database buffers accessed (8 KiB pages, hits + reads) */
      cases: { name: string; description: string; ms: Record<number, number>; pages: Record<number, number>; queries: number }[];
      seedSeconds: number;
    };

/** Loaded at run time, so the bench neither fails to compile nor fakes a number while issue 5 changes. */
export async function loadMembersModule(): Promise<MembersModule | string> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(new URL("../lib/members.ts", import.meta.url).href)) as Record<string, unknown>;
  } catch (error) {
    return `lib/members.ts could not be loaded (${(error as Error).message.split("\n")[0]})`;
  }
  const missing = ["listMembers", "enrollmentProgress"].filter((name) => typeof mod[name] !== "function");
  if (missing.length > 0) return `lib/members.ts does not export ${missing.join(" and ")}`;
  return mod as unknown as MembersModule;
}

/**
 * Adds members numbered (from, to] to the organization, in one statement each for users,
 * memberships, authenticator apps, backup codes and trusted devices: a third have a verified phone
 * and one in five an authenticator app (one in 15 both, so some have only the app), each of
 * those 10 backup codes with up to 3 used (the members table's Methods cell reads both per row
 * shown), and one in 50 a trusted device.
 */
export async function growOrganization(db: Db, organizationId: string, from: number, to: number) {
  await db.execute(sql`
    insert into users (id, name, email, phone_e164, phone_verified_at, two_factor_enabled_at, last_second_factor_at)
    select 'bench-member-' || i, 'Member ' || lpad(i::text, 6, '0'), 'member.' || lpad(i::text, 6, '0') || '@bench.example',
           case when i % 3 = 0 then '+1303' || lpad(i::text, 7, '0') end,
           case when i % 3 = 0 then now() end, case when i % 3 = 0 or i % 5 = 0 then now() end,
           case when i % 3 = 0 or i % 5 = 0 then now() - (i % 1000) * interval '1 minute' end
    from generate_series(${from + 1}::int, ${to}::int) as i`);
  await db.execute(sql`
    insert into memberships (id, organization_id, user_id, role)
    select 'bench-membership-' || i, ${organizationId}, 'bench-member-' || i, case when i = 1 then 'owner' else 'member' end
    from generate_series(${from + 1}::int, ${to}::int) as i`);
  await db.execute(sql`
    insert into authenticator_apps (id, user_id, secret_ciphertext, created_at, confirmed_at, last_used_step, last_used_at)
    select 'bench-app-' || i, 'bench-member-' || i, 'bench-not-a-secret', now(), now(), null, null
    from generate_series(${from + 1}::int, ${to}::int) as i where i % 5 = 0`);
  await db.execute(sql`
    insert into backup_codes (id, user_id, code_hash, created_at, used_at)
    select 'bench-backup-' || i || '-' || j, 'bench-member-' || i, md5('bench-backup-' || i || '-' || j), now(), case when j <= i % 4 then now() end
    from generate_series(${from + 1}::int, ${to}::int) as i, generate_series(1, 10) as j where i % 3 = 0 or i % 5 = 0`);
  await db.execute(sql`
    insert into trusted_devices (id, user_id, token_hash, user_agent, created_at, last_used_at, expires_at)
    select 'bench-device-' || i, 'bench-member-' || i, md5('bench-device-' || i), 'bench', now(), now(), now() + interval '30 days'
    from generate_series(${from + 1}::int, ${to}::int) as i where i % 50 = 0`);
  await db.execute(sql`analyze users`);
  await db.execute(sql`analyze memberships`);
  await db.execute(sql`analyze trusted_devices`);
  await db.execute(sql`analyze authenticator_apps`);
  await db.execute(sql`analyze backup_codes`);
}

/** Median ms per call: warm up, then call until ~`budgetMs` has passed (at least 5 calls). */
async function medianMs(call: () => Promise<unknown>, budgetMs = 700): Promise<number> {
  await call();
  await call();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < 5 || performance.now() - started < budgetMs) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
    if (times.length >= 200) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function measureMembers(handle: DatabaseHandle, log: (line: string) => void): Promise<MembersResult> {
  const db = handle.db;
  const members = await loadMembersModule();
  if (typeof members === "string") return { status: "waiting", reason: members };
  const [org] = await db
    .insert(organizations)
    .values({ name: "Bench Members", requireTwoFactor: true })
    .returning({ id: organizations.id });
  if (!org) throw new Error("could not create the members organization");
  const organizationId = org.id;
  // A small organization beside it, whose members' emails sort after everyone else's: its page
  // should not depend on how many members another organization has.
  const [small] = await db.insert(organizations).values({ name: "Bench Small" }).returning({ id: organizations.id });
  if (!small) throw new Error("could not create the small organization");
  await db.execute(sql`
    insert into users (id, name, email) select 'bench-small-' || i, 'Small ' || i, 'zz.small.' || lpad(i::text, 2, '0') || '@bench.example'
    from generate_series(1, 25) as i`);
  await db.execute(sql`
    insert into memberships (id, organization_id, user_id, role) select 'bench-small-membership-' || i, ${small.id}, 'bench-small-' || i, 'member'
    from generate_series(1, 25) as i`);
  const now = () => new Date();
  let have = 0;
  const cases = [
    {
      name: "page",
      description: "the page as opened: first page of 25 + the enrollment count",
      run: (on: Db) =>
        Promise.all([
          members.listMembers(on, { organizationId, page: 1, now: now() }),
          members.enrollmentProgress(on, organizationId),
        ]),
    },
    {
      name: "search",
      description: 'search "member.00001" (10 matches at every size)',
      run: (on: Db) => members.listMembers(on, { organizationId, search: "member.00001", page: 1, now: now() }),
    },
    {
      name: "last page",
      description: "the last page of 25",
      run: (on: Db) =>
        members.listMembers(on, {
          organizationId,
          page: Math.ceil(have / 25),
          after: `member.${String(have - 25).padStart(6, "0")}@bench.example`,
          now: now(),
        }),
    },
    {
      name: "small organization",
      description: "the page of another organization (25 members) in the same database",
      run: (on: Db) =>
        Promise.all([
          members.listMembers(on, { organizationId: small.id, page: 1, now: now() }),
          members.enrollmentProgress(on, small.id),
        ]),
    },
  ];
  const result = cases.map((c) => ({
    name: c.name,
    description: c.description,
    ms: {} as Record<number, number>,
    pages: {} as Record<number, number>,
    queries: 0,
  }));
  let seedSeconds = 0;
  for (const count of MEMBER_COUNTS) {
    const started = performance.now();
    await growOrganization(db, organizationId, have, count);
    seedSeconds += (performance.now() - started) / 1000;
    have = count;
    const check = await members.listMembers(db, { organizationId, page: 1, now: now() });
    const last = (await cases[2]!.run(db)) as { rows: unknown[] };
    const progress = await members.enrollmentProgress(db, organizationId);
    const smallPage = await members.listMembers(db, { organizationId: small.id, page: 1, now: now() });
    if (check.total !== count || check.rows.length !== 25 || last.rows.length !== 25 || progress.total !== count || smallPage.rows.length !== 25) {
      throw new Error(
        `members page at ${count}: listMembers says ${check.total} members and ${check.rows.length} rows, ` +
          `the last page ${last.rows.length} rows, enrollmentProgress ${progress.total} members, the small organization ${smallPage.rows.length} rows`,
      );
    }
    for (const [i, c] of cases.entries()) {
      result[i]!.ms[count] = await medianMs(() => c.run(db));
      const touched = await pagesTouched(handle, c.run);
      result[i]!.pages[count] = touched.pages;
      result[i]!.queries = touched.queries;
    }
    log(
      `  ${count.toLocaleString("en-US")} members: ` +
        result.map((r) => `${r.name} ${r.ms[count]!.toFixed(2)} ms / ${r.pages[count]} buffers`).join(", "),
    );
  }
  return { status: "measured", cases: result, seedSeconds };
}
