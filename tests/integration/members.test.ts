import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { enrollmentProgress, listMembers, MEMBERS_PAGE_SIZE } from "@/lib/members";
import { backupCodes, memberships, passkeys } from "@/lib/db/schema";
import { beginAuthenticatorSetup, removeAuthenticatorApp } from "@/lib/two-factor/authenticator-app";
import { resetMemberTwoFactor } from "@/lib/two-factor/member-admin";
import { maskPhone } from "@/lib/two-factor/phone-number";
import { turnOffTwoFactor } from "@/lib/two-factor/self-service";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { sendSetupCode } from "@/lib/two-factor/setup";
import { listTrustedDevices, revokeTrustedDevice, trustDevice } from "@/lib/two-factor/trusted-devices";
import { databaseTargets } from "../helpers/databases";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { rowsOf } from "@/lib/db/rows";
import { capturingDb, explain, planOutline, scanSummary, type CapturedQuery, type ExplainedQuery } from "../helpers/query-plans";
import { enrollUser, freshPhone, makeDeps, pendingFor, setUpAuthenticatorApp, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

const DAY = 24 * 60 * 60_000;

describe.each(databaseTargets())("members table and enrollment progress on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const list = (organizationId: string, input: { search?: string; after?: string; before?: string } = {}) =>
    listMembers(handle.db, { organizationId, now: deps.clock.now(), ...input });
  let tagCounter = 0;
  /** A prefix no other test's emails start with. */
  const tag = () => `t${String(tagCounter++).padStart(3, "0")}${crypto.randomUUID().slice(0, 4)}`;

  it("shows name, email, role and status: not set up, set up with the phone masked, or turned on by the member", async () => {
    const org = await createOrganization(handle.db);
    const t = tag();
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner", email: `${t}-a-owner@example.test`, name: "Olivia Owner" });
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin", email: `${t}-b-admin@example.test`, name: "Adam Admin" });
    const required = await createUser(handle.db, { organizationId: org.id, email: `${t}-c-member@example.test`, name: "Mia Member" });
    const self = await createUser(handle.db, { organizationId: org.id, email: `${t}-d-self@example.test`, name: "Sam Self" });
    const requiredPhone = (await enrollUser(deps, required)).phone;
    const selfPhone = (await enrollUser(deps, self, freshPhone(), { selfEnabled: true })).phone;

    const page = await list(org.id);
    expect(page).toMatchObject({ total: 4, nextCursor: null, prevCursor: null });
    expect(page.rows.map(({ userId, name, email, role, status, phoneMasked }) => ({ userId, name, email, role, status, phoneMasked }))).toEqual([
      { userId: owner.id, name: "Olivia Owner", email: owner.email, role: "owner", status: "not_set_up", phoneMasked: null },
      { userId: admin.id, name: "Adam Admin", email: admin.email, role: "admin", status: "not_set_up", phoneMasked: null },
      { userId: required.id, name: "Mia Member", email: required.email, role: "member", status: "set_up", phoneMasked: maskPhone(requiredPhone) },
      { userId: self.id, name: "Sam Self", email: self.email, role: "member", status: "self_enabled", phoneMasked: maskPhone(selfPhone) },
    ]);
    // the mask keeps only the last digits: the full number is nowhere in what the page gets
    expect(page.rows[2]!.phoneMasked).toMatch(new RegExp(`${requiredPhone.slice(-2)}$`));
    const shown = JSON.stringify(page);
    for (const phone of [requiredPhone, selfPhone]) {
      expect(shown).not.toContain(phone);
      expect(shown).not.toContain(phone.slice(2)); // the national number without "+1"
    }
  });

  it("a member who sent a setup code but never entered it is still 'not set up' and not counted as enrolled", async () => {
    const org = await createOrganization(handle.db);
    const member = await createUser(handle.db, { organizationId: org.id });
    const sent = await sendSetupCode(deps, { userId: member.id, attemptNonce: "setup-attempt", phone: freshPhone(), request: testRequest() });
    expect(sent.ok).toBe(true);
    expect((await list(org.id)).rows).toMatchObject([{ userId: member.id, status: "not_set_up", phoneMasked: null }]);
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 0, secure: 0, total: 1 });
  });

  it("last second-factor sign-in is empty until one happens and then shows the time of the latest SMS or backup-code sign-in", async () => {
    const org = await createOrganization(handle.db);
    const never = await createUser(handle.db, { organizationId: org.id, email: `${tag()}-never@example.test` });
    const member = await createUser(handle.db, { organizationId: org.id, email: `${tag()}-member@example.test` });
    const rowOf = async (userId: string) => (await list(org.id)).rows.find((r) => r.userId === userId)!;

    // a password-only sign-in is not a second factor
    expect(await continueAfterPassword(deps, { userId: never.id, returnTo: "/", deviceToken: undefined, request: testRequest() })).toMatchObject({ next: "session" });
    expect((await rowOf(never.id)).lastSecondFactorAt).toBeNull();

    const { phone, backupCodes } = await enrollUser(deps, member, freshPhone(), { selfEnabled: true });
    deps.clock.advance(DAY);
    const smsAt = deps.clock.now();
    const { pending, code } = await startChallenge(deps, member, phone);
    const bySms = await completeWithSmsCode(deps, { pending, code, trustThisDevice: true, request: testRequest() });
    if (!bySms.ok || !bySms.deviceToken) throw new Error("expected an SMS sign-in with a trusted device");
    expect((await rowOf(member.id)).lastSecondFactorAt).toEqual(smsAt);

    deps.clock.advance(DAY);
    const backupAt = deps.clock.now();
    const byBackup = await completeWithBackupCode(deps, {
      pending: pendingFor(member.id, { now: backupAt }),
      code: backupCodes[0]!,
      trustThisDevice: false,
      request: testRequest(),
    });
    expect(byBackup.ok).toBe(true);
    expect((await rowOf(member.id)).lastSecondFactorAt).toEqual(backupAt);

    // a wrong code and a trusted-device sign-in (no second factor entered) leave it as it was
    deps.clock.advance(DAY);
    const again = await startChallenge(deps, member, phone);
    expect(await completeWithSmsCode(deps, { pending: again.pending, code: wrongCode(again.code), trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: false });
    expect(await continueAfterPassword(deps, { userId: member.id, returnTo: "/", deviceToken: bySms.deviceToken, request: testRequest() })).toMatchObject({ next: "session" });
    expect((await rowOf(member.id)).lastSecondFactorAt).toEqual(backupAt);
    expect((await rowOf(never.id)).lastSecondFactorAt).toBeNull();
  });

  it("the trusted devices column counts only the member's live devices: revoked and expired ones are left out", async () => {
    const org = await createOrganization(handle.db);
    const member = await createUser(handle.db, { organizationId: org.id, email: `${tag()}-a@example.test` });
    const other = await createUser(handle.db, { organizationId: org.id, email: `${tag()}-b@example.test` });
    const now = deps.clock.now();
    const trust = (userId: string, at: Date) => trustDevice(handle.db, { userId, userAgent: "vitest", now: at }, deps.options);
    await trust(member.id, now);
    await trust(member.id, new Date(now.getTime() - 60_000));
    await trust(member.id, new Date(now.getTime() - 31 * DAY)); // expired a day ago
    await trust(other.id, now);
    const live = await listTrustedDevices(handle.db, member.id, undefined, now);
    expect(live).toHaveLength(2);
    expect(await revokeTrustedDevice(handle.db, member.id, live[0]!.id, now)).toBe(true);

    const rows = (await list(org.id)).rows;
    expect(rows.find((r) => r.userId === member.id)!.trustedDevices).toBe(1);
    expect(rows.find((r) => r.userId === other.id)!.trustedDevices).toBe(1);
  });

  it("lists members ordered by email, 25 a page, with next and previous pages by email cursor", async () => {
    const org = await createOrganization(handle.db);
    const t = tag();
    const emails: string[] = [];
    // created out of order: the order on screen comes from the email
    for (const i of [17, 3, 29, 0, 11, 22, 8, 26, 14, 5, 19, 1, 24, 9, 28, 12, 2, 21, 16, 7, 27, 4, 18, 10, 25, 13, 6, 23, 15, 20]) {
      const email = `${t}-member${String(i).padStart(2, "0")}@example.test`;
      emails.push(email);
      await createUser(handle.db, { organizationId: org.id, email });
    }
    const sorted = [...emails].sort();
    expect(MEMBERS_PAGE_SIZE).toBe(25);

    const first = await list(org.id);
    expect(first).toMatchObject({ total: 30, prevCursor: null, nextCursor: sorted[24] });
    expect(first.rows.map((r) => r.email)).toEqual(sorted.slice(0, 25));
    const second = await list(org.id, { after: first.nextCursor! });
    expect(second).toMatchObject({ total: 30, nextCursor: null, prevCursor: sorted[25] });
    expect(second.rows.map((r) => r.email)).toEqual(sorted.slice(25));
    const back = await list(org.id, { before: second.prevCursor! });
    expect(back.rows.map((r) => r.email)).toEqual(sorted.slice(0, 25));
    expect(back).toMatchObject({ prevCursor: null, nextCursor: sorted[24] });

    // a cursor past the end shows an empty page rather than failing; an empty cursor is the first page
    expect((await list(org.id, { after: "zzzz" })).rows).toEqual([]);
    expect((await list(org.id, { before: "" })).rows.map((r) => r.email)).toEqual(sorted.slice(0, 25));
  });

  it("an organization without members shows an empty page and 0 of 0 enrolled", async () => {
    const org = await createOrganization(handle.db);
    expect(await list(org.id, { after: "m" })).toEqual({ rows: [], total: 0, nextCursor: null, prevCursor: null });
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 0, secure: 0, total: 0 });
  });

  it("search matches the start of an email or of a name, whatever the case, and not the middle", async () => {
    const org = await createOrganization(handle.db);
    const t = tag();
    const ada = await createUser(handle.db, { organizationId: org.id, email: `ada.${t}@example.test`, name: "Ada Lovelace" });
    const adam = await createUser(handle.db, { organizationId: org.id, email: `smith.${t}@example.test`, name: "Adam Smith" });
    const grace = await createUser(handle.db, { organizationId: org.id, email: `ghopper.${t}@example.test`, name: "Grace Hopper" });
    const emile = await createUser(handle.db, { organizationId: org.id, email: `zola.${t}@example.test`, name: "Émile Zola" });
    const ids = async (search: string) => {
      const page = await list(org.id, { search });
      expect(page.total, `total for ${JSON.stringify(search)}`).toBe(page.rows.length);
      return page.rows.map((r) => r.userId).sort();
    };

    expect(await ids("ada")).toEqual([ada.id, adam.id].sort()); // "Ada ..." and "Adam ..."
    expect(await ids("ADA")).toEqual([ada.id, adam.id].sort());
    expect(await ids("  Ada  ")).toEqual([ada.id, adam.id].sort());
    expect(await ids(`SMITH.${t.toUpperCase()}`)).toEqual([adam.id]);
    expect(await ids("grace h")).toEqual([grace.id]);
    expect(await ids("émile")).toEqual([emile.id]);
    expect(await ids("ÉMILE")).toEqual([emile.id]);
    // "starts with", not "contains"
    expect(await ids("lovelace")).toEqual([]);
    expect(await ids("hopper")).toEqual([]);
    expect(await ids("example.test")).toEqual([]);
    // an empty or blank search lists everyone
    expect(await ids("")).toHaveLength(4);
    expect(await ids("   ")).toHaveLength(4);
  });

  it("% and _ in a search are taken literally, not as wildcards", async () => {
    const org = await createOrganization(handle.db);
    const t = tag();
    const underscore = await createUser(handle.db, { organizationId: org.id, email: `a_b.${t}@example.test`, name: "Under Score" });
    await createUser(handle.db, { organizationId: org.id, email: `axb.${t}@example.test`, name: "Ax Bee" });
    const percent = await createUser(handle.db, { organizationId: org.id, email: `p1.${t}@example.test`, name: "100% Real" });
    await createUser(handle.db, { organizationId: org.id, email: `p2.${t}@example.test`, name: "1000 Real" });
    const backslash = await createUser(handle.db, { organizationId: org.id, email: `p3.${t}@example.test`, name: "Back\\slash" });
    await createUser(handle.db, { organizationId: org.id, email: `p4.${t}@example.test`, name: "Backslash" });
    const ids = async (search: string) => (await list(org.id, { search })).rows.map((r) => r.userId);

    expect(await ids("a_b")).toEqual([underscore.id]);
    expect(await ids("100%")).toEqual([percent.id]);
    expect(await ids("%")).toEqual([]);
    expect(await ids("_")).toEqual([]);
    expect(await ids("%real")).toEqual([]);
    expect(await ids("back\\")).toEqual([backslash.id]);
    expect(await ids("\\")).toEqual([]);
    expect((await list(org.id, { search: "%" })).total).toBe(0);
  });

  it("shows only the organization's own members, even when another organization's member matches the search", async () => {
    const mine = await createOrganization(handle.db);
    const theirs = await createOrganization(handle.db);
    const t = tag();
    const me = await createUser(handle.db, { organizationId: mine.id, email: `zed.${t}.mine@example.test`, name: "Zed Mine" });
    const stranger = await createUser(handle.db, { organizationId: theirs.id, email: `zed.${t}.theirs@example.test`, name: "Zed Theirs" });
    await enrollUser(deps, stranger);
    const noOrg = await createUser(handle.db, { email: `zed.${t}.nobody@example.test`, name: "Zed Nobody" });

    for (const search of [undefined, "zed", `zed.${t}`]) {
      const page = await list(mine.id, { search });
      expect(page.rows.map((r) => r.userId)).toEqual([me.id]);
      expect(page.total).toBe(1);
    }
    expect(JSON.stringify(await list(mine.id))).not.toContain(stranger.email);
    expect(JSON.stringify(await list(mine.id))).not.toContain(noOrg.email);
    expect(await enrollmentProgress(handle.db, mine.id)).toEqual({ enrolled: 0, secure: 0, total: 1 });
    expect(await enrollmentProgress(handle.db, theirs.id)).toEqual({ enrolled: 1, secure: 0, total: 1 });
    expect(await list(crypto.randomUUID())).toEqual({ rows: [], total: 0, nextCursor: null, prevCursor: null });
  });

  it("the N of M counters follow every change: setup, phone change, admin reset, turning off, members joining and leaving", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const member = await createUser(handle.db, { organizationId: org.id });
    const selfish = await createUser(handle.db, { organizationId: org.id });
    await enrollUser(deps, member);
    await enrollUser(deps, selfish, freshPhone(), { selfEnabled: true });
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 2, secure: 0, total: 3 });
    // a phone change keeps the member enrolled: counted once
    await enrollUser(deps, member, freshPhone());
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 2, secure: 0, total: 3 });
    const actor = { userId: owner.id, organizationId: org.id };
    expect((await resetMemberTwoFactor(deps, { actor, targetUserId: member.id, request: null, now: deps.clock.now() })).ok).toBe(true);
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 1, secure: 0, total: 3 });
    expect((await turnOffTwoFactor(deps, { userId: selfish.id, request: testRequest() })).ok).toBe(true);
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 0, secure: 0, total: 3 });
    await enrollUser(deps, selfish, freshPhone(), { selfEnabled: true });
    await handle.db.delete(memberships).where(eq(memberships.userId, selfish.id));
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 0, secure: 0, total: 2 });
    await handle.db.insert(memberships).values({ organizationId: org.id, userId: selfish.id, role: "member" });
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 1, secure: 0, total: 3 });
  });

  it("lists each member's methods: SMS, a confirmed authenticator app, passkeys, backup codes with how many are left, or none", async () => {
    const org = await createOrganization(handle.db);
    const t = tag();
    const none = await createUser(handle.db, { organizationId: org.id, email: `${t}-a-none@example.test` });
    const sms = await createUser(handle.db, { organizationId: org.id, email: `${t}-b-sms@example.test` });
    const app = await createUser(handle.db, { organizationId: org.id, email: `${t}-c-app@example.test` });
    const settingUp = await createUser(handle.db, { organizationId: org.id, email: `${t}-d-setting-up@example.test` });
    const smsEnrolled = await enrollUser(deps, sms);
    await enrollUser(deps, app);
    await setUpAuthenticatorApp(deps, app);
    await enrollUser(deps, settingUp);
    // a setup still waiting for its first code is not a method
    await beginAuthenticatorSetup(deps, { userId: settingUp.id, request: testRequest() });
    // a member with passkeys and nothing else is set up, and their keys are counted
    const keys = await createUser(handle.db, { organizationId: org.id, email: `${t}-e-passkeys@example.test` });
    const key = (n: number) => ({ userId: keys.id, credentialId: `${t}-cred-${n}`, publicKey: "pk", name: `Key ${n}`, deviceType: "singleDevice", createdAt: deps.clock.now() });
    await handle.db.insert(passkeys).values([key(1), key(2)]);
    const rows = async () => Object.fromEntries((await list(org.id)).rows.map((r) => [r.userId, r]));
    expect((await rows())[keys.id]).toMatchObject({ status: "set_up", phoneMasked: null, methods: { sms: false, authenticatorApp: false, passkeys: 2, backupCodesLeft: null } });
    await handle.db.delete(passkeys).where(eq(passkeys.userId, keys.id));
    expect((await rows())[keys.id]).toMatchObject({ status: "not_set_up", methods: { sms: false, authenticatorApp: false, passkeys: 0, backupCodesLeft: null } });
    await handle.db.delete(memberships).where(eq(memberships.userId, keys.id));
    const methodsOf = async () => Object.fromEntries((await list(org.id)).rows.map((r) => [r.userId, r.methods]));
    expect(await methodsOf()).toEqual({
      [none.id]: { sms: false, authenticatorApp: false, passkeys: 0, backupCodesLeft: null },
      [sms.id]: { sms: true, authenticatorApp: false, passkeys: 0, backupCodesLeft: 10 },
      [app.id]: { sms: true, authenticatorApp: true, passkeys: 0, backupCodesLeft: 10 },
      [settingUp.id]: { sms: true, authenticatorApp: false, passkeys: 0, backupCodesLeft: 10 },
    });

    // a used backup code is one fewer left, down to none left
    for (const code of smsEnrolled.backupCodes.slice(0, 3)) {
      const pending = pendingFor(sms.id, { now: deps.clock.now() });
      expect(await completeWithBackupCode(deps, { pending, code, trustThisDevice: false, request: testRequest() })).toMatchObject({ ok: true });
    }
    expect((await methodsOf())[sms.id]).toEqual({ sms: true, authenticatorApp: false, passkeys: 0, backupCodesLeft: 7 });
    await handle.db.update(backupCodes).set({ usedAt: deps.clock.now() }).where(eq(backupCodes.userId, sms.id));
    expect((await methodsOf())[sms.id]).toEqual({ sms: true, authenticatorApp: false, passkeys: 0, backupCodesLeft: 0 });

    // an admin's reset takes every method away; removing the app leaves the others
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    expect((await resetMemberTwoFactor(deps, { actor: { userId: owner.id, organizationId: org.id }, targetUserId: app.id, request: null, now: deps.clock.now() })).ok).toBe(true);
    await setUpAuthenticatorApp(deps, settingUp);
    expect((await removeAuthenticatorApp(deps, { userId: settingUp.id, request: testRequest() })).ok).toBe(true);
    const after = await methodsOf();
    expect(after[app.id]).toEqual({ sms: false, authenticatorApp: false, passkeys: 0, backupCodesLeft: null });
    expect(after[settingUp.id]).toEqual({ sms: true, authenticatorApp: false, passkeys: 0, backupCodesLeft: 10 });
  });

  it("enrollment progress counts every role with a verified phone: N of M members", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    await createUser(handle.db, { organizationId: org.id, role: "admin" });
    const a = await createUser(handle.db, { organizationId: org.id });
    const b = await createUser(handle.db, { organizationId: org.id });
    await createUser(handle.db, { organizationId: org.id });
    await createUser(handle.db, { organizationId: org.id });
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 0, secure: 0, total: 6 });
    await enrollUser(deps, owner);
    await enrollUser(deps, a);
    await enrollUser(deps, b, freshPhone(), { selfEnabled: true });
    expect(await enrollmentProgress(handle.db, org.id)).toEqual({ enrolled: 3, secure: 0, total: 6 });
    // the progress and the table agree
    const rows = (await list(org.id)).rows;
    expect(rows.filter((r) => r.status !== "not_set_up")).toHaveLength(3);
  });
});

/**
 * 100,000 members in one organization, on PostgreSQL only (PGlite would take minutes to seed and
 * its planner is not what production runs). The page's queries are captured as drizzle sends them
 * and EXPLAINed with their parameters written in: drizzle sends unnamed statements through
 * postgres.js, which PostgreSQL plans with the values bound (a custom plan), as here.
 */
const postgresTarget = databaseTargets().find((t) => t.name === "postgres");
if (postgresTarget) {
  describe("members table at 100,000 members on postgres", () => {
    const ORG = "scale-org";
    const MEMBERS = 100_000;
    const now = new Date("2026-11-28T10:00:00Z");
    /** The email the middle page starts after (keyset cursor), found once the data is seeded. */
    let middleCursor = "";
    let handle: DatabaseHandle;
    /** What someone types to find one member: the start of their email, and the start of their name (in lower case). */
    let searchEmail = "";
    let searchName = "";
    /** A member with an authenticator app. */
    let appEmail = "";

    /** Allowed ways to reach users and memberships: their indexes. */
    const MEMBER_INDEXES = new Set([
      "users_pkey",
      "users_email_unique",
      "users_email_pattern_idx",
      "users_name_pattern_idx",
      "memberships_pkey",
      "memberships_org_idx",
      "memberships_user_idx",
    ]);

    beforeAll(async () => {
      handle = await postgresTarget.open();
      const started = performance.now();
      await handle.db.execute(sql`insert into organizations (id, name) values (${ORG}, 'Scale')`);
      // names from a small list plus a random-looking suffix; emails not in insertion order; ~5% enrolled
      await handle.db.execute(sql.raw(`
        insert into users (id, email, name, phone_e164, phone_verified_at, two_factor_enabled_at, last_second_factor_at)
        select gen_random_uuid()::text,
               lower(n.first) || '.' || substr(md5(g::text), 1, 10) || '@scale.test',
               n.first || ' ' || upper(substr(md5(g::text), 11, 6)),
               case when g % 20 = 0 then '+1202555' || lpad((g % 10000)::text, 4, '0') end,
               case when g % 20 = 0 then now() end,
               case when g % 20 = 0 then now() end,
               case when g % 40 = 0 then now() end
        from generate_series(1, ${MEMBERS}) g,
             lateral (select (array['Ada','Grace','Alan','Barbara','Edsger','Donald','Frances','Margaret','Ken','Dennis'])[1 + g % 10] as first) n`));
      await handle.db.execute(sql`insert into memberships (id, organization_id, user_id, role)
        select gen_random_uuid()::text, ${ORG}, id, case when email like 'ada.0%' then 'admin' else 'member' end from users`);
      // one trusted device for every enrolled member
      await handle.db.execute(sql`insert into trusted_devices (id, user_id, token_hash, user_agent, created_at, last_used_at, expires_at)
        select gen_random_uuid()::text, id, md5(id), 'seed', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz,
               ${now.toISOString()}::timestamptz + interval '30 days'
        from users where phone_verified_at is not null`);
      // an authenticator app for every other enrolled member, a set of 10 backup codes (3 used) for each
      await handle.db.execute(sql`insert into authenticator_apps (id, user_id, secret_ciphertext, created_at, confirmed_at)
        select gen_random_uuid()::text, id, md5(id), ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from users where last_second_factor_at is not null`);
      await handle.db.execute(sql`insert into backup_codes (id, user_id, code_hash, used_at)
        select gen_random_uuid()::text, u.id, md5(u.id || i), case when i <= 3 then ${now.toISOString()}::timestamptz end
        from users u, generate_series(1, 10) i where u.phone_verified_at is not null`);
      // Statistics from every row (a sample of 300,000 covers the 100,000): the planner's estimates,
      // and so its plans, do not vary with which rows a default sample happened to draw.
      await handle.db.execute(sql.raw("set default_statistics_target = 1000; analyze"));
      const [someone] = rowsOf<{ email: string; name: string }>(await handle.db.execute(sql`select email, name from users order by email offset 54321 limit 1`));
      searchEmail = someone!.email.slice(0, 12);
      const [middle] = rowsOf<{ email: string }>(await handle.db.execute(sql`select email from users order by email offset ${MEMBERS / 2} limit 1`));
      middleCursor = middle!.email;
      const [withApp] = rowsOf<{ email: string }>(await handle.db.execute(sql`select u.email from users u join authenticator_apps a on a.user_id = u.id order by u.email limit 1`));
      appEmail = withApp!.email;
      searchName = someone!.name.slice(0, 11).toLowerCase();
      console.log(`seeded ${MEMBERS} members in one organization in ${Math.round(performance.now() - started)} ms`);
    }, 300_000);
    afterAll(() => handle?.close());

    /** The queries listMembers issues, in order: [rows, count]. */
    async function capturedListQueries(input: { after?: string; search?: string }): Promise<CapturedQuery[]> {
      const capture = capturingDb(handle.db);
      await listMembers(capture.db, { organizationId: ORG, now, ...input });
      expect(capture.queries).toHaveLength(2);
      return capture.queries;
    }

    function expectIndexServed(plan: ExplainedQuery, label: string) {
      const scans = scanSummary(plan);
      console.log(`${label}:\n${planOutline(plan.root)}`);
      const onMemberTables = plan.nodes.filter((n) => n["Relation Name"] === "users" || n["Relation Name"] === "memberships");
      const seqScans = onMemberTables.filter((n) => n["Node Type"] === "Seq Scan").map((n) => `Seq Scan on ${n["Relation Name"]}`);
      expect(seqScans, `${label}: ${scans.join("; ")}`).toEqual([]);
      const indexNodes = plan.nodes.filter((n) => n["Index Name"] && MEMBER_INDEXES.has(n["Index Name"]));
      expect(indexNodes.length, `${label} reads users/memberships through their indexes: ${scans.join("; ")}`).toBeGreaterThan(0);
    }

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
      const times: number[] = [];
      let result!: T;
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        result = await run();
        times.push(performance.now() - start);
      }
      return { result, ms: Math.round(median(times) * 10) / 10 };
    }

    it("the page shows the right numbers at 100,000 members (printed with timings)", async () => {
      const progress = await timed(() => enrollmentProgress(handle.db, ORG));
      expect(progress.result).toEqual({ enrolled: MEMBERS / 20, secure: MEMBERS / 40, total: MEMBERS });
      const first = await timed(() => listMembers(handle.db, { organizationId: ORG, now }));
      expect(first.result).toMatchObject({ total: MEMBERS, prevCursor: null });
      expect(first.result.rows).toHaveLength(MEMBERS_PAGE_SIZE);
      const middle = await timed(() => listMembers(handle.db, { organizationId: ORG, now, after: middleCursor }));
      expect(middle.result.rows).toHaveLength(MEMBERS_PAGE_SIZE);
      const emails = middle.result.rows.map((r) => r.email);
      expect(emails).toEqual([...emails].sort());
      expect(emails[0]! > middleCursor).toBe(true);
      expect(middle.result).toMatchObject({ prevCursor: emails[0], nextCursor: emails.at(-1) });
      const search = await timed(() => listMembers(handle.db, { organizationId: ORG, now, search: searchEmail.toUpperCase() }));
      expect(search.result.total).toBeGreaterThan(0);
      expect(search.result.total).toBeLessThan(10);
      expect(search.result.rows.every((r) => r.email.startsWith(searchEmail))).toBe(true);
      const byName = await timed(() => listMembers(handle.db, { organizationId: ORG, now, search: searchName }));
      expect(byName.result.total).toBeGreaterThan(0);
      expect(byName.result.total).toBeLessThan(50);
      expect(byName.result.rows.every((r) => r.name!.toLowerCase().startsWith(searchName))).toBe(true);
      const enrolledRows = middle.result.rows.filter((r) => r.status !== "not_set_up");
      expect(enrolledRows.every((r) => r.trustedDevices === 1 && r.phoneMasked?.startsWith("•"))).toBe(true);
      expect(enrolledRows.every((r) => r.methods.sms && r.methods.backupCodesLeft === 7)).toBe(true);
      const withApp = await listMembers(handle.db, { organizationId: ORG, now, search: appEmail });
      expect(withApp.rows.find((r) => r.email === appEmail)?.methods).toEqual({ sms: true, authenticatorApp: true, passkeys: 0, backupCodesLeft: 7 });
      console.log(
        `median of 5 runs at ${MEMBERS} members: enrollmentProgress ${progress.ms} ms; listMembers page 1 ${first.ms} ms, ` +
          `middle page ${middle.ms} ms, search "${searchEmail}" (${search.result.total} match) ${search.ms} ms, ` +
          `search "${searchName}" (${byName.result.total} matches) ${byName.ms} ms`,
      );
    }, 120_000);

    it.each([
      ["page 1", () => ({})],
      ["a middle page (after the 50,000th email)", () => ({ after: middleCursor })],
      ["a search by the start of an email", () => ({ search: searchEmail })],
      ["a search by the start of a name", () => ({ search: searchName })],
    ])("the rows of %s are read through indexes, with no Seq Scan on users or memberships", async (label, input) => {
      const [rows] = await capturedListQueries(input());
      expectIndexServed(await explain(handle.db, rows!), `rows of ${label}`);
    });

    it.each([
      ["the pager's count of a search by email", () => ({ search: searchEmail })],
      ["the pager's count of a search by name", () => ({ search: searchName })],
    ])("%s is answered through indexes, with no Seq Scan on users or memberships", async (label, input) => {
      const [, count] = await capturedListQueries(input());
      expect(count!.sql).toMatch(/count\(/);
      expectIndexServed(await explain(handle.db, count!), label);
    });

    it("the member total and the enrollment progress read one organization row, not the members", async () => {
      for (const run of [
        (db: DatabaseHandle["db"]) => enrollmentProgress(db, ORG),
        (db: DatabaseHandle["db"]) => listMembers(db, { organizationId: ORG, now }).then(() => undefined),
      ]) {
        const capture = capturingDb(handle.db);
        await run(capture.db);
        const counting = capture.queries.filter((q) => /"organizations"/.test(q.sql) && !/"memberships"/.test(q.sql));
        expect(counting).toHaveLength(1);
        const plan = await explain(handle.db, counting[0]!);
        const relations = plan.nodes.map((n) => n["Relation Name"]).filter(Boolean);
        expect(relations).toEqual(["organizations"]);
      }
    });

    it("a search's count and rows use the lower(...) pattern indexes of email and name", async () => {
      for (const search of [searchEmail, searchName]) {
        const [count, rows] = await capturedListQueries({ search });
        for (const query of [count!, rows!]) {
          const plan = await explain(handle.db, query);
          const indexes = plan.nodes.map((n) => n["Index Name"]);
          expect(indexes, `${search}: ${scanSummary(plan).join("; ")}`).toContain("users_email_pattern_idx");
          expect(indexes, `${search}: ${scanSummary(plan).join("; ")}`).toContain("users_name_pattern_idx");
        }
      }
    });

    it("the trusted-device count runs for the 25 rows shown, not for every row skipped before a middle page", async () => {
      const [rows] = await capturedListQueries({ after: middleCursor });
      const plan = await explain(handle.db, rows!, { analyze: true });
      console.log(`EXPLAIN ANALYZE rows of the middle page (${plan.executionMs} ms):\n${planOutline(plan.root)}`);
      const deviceScans = plan.nodes.filter((n) => n["Relation Name"] === "trusted_devices");
      expect(deviceScans.length).toBeGreaterThan(0);
      // 25 rows shown plus the one read to know whether a next page exists
      for (const scan of deviceScans) expect(scan["Actual Loops"], "executions of the trusted-device count").toBeLessThanOrEqual(MEMBERS_PAGE_SIZE + 1);
    });

    it("each member's methods are read for the 25 rows shown, through the user indexes of authenticator_apps and backup_codes", async () => {
      const [rows] = await capturedListQueries({ after: middleCursor });
      const plan = await explain(handle.db, rows!, { analyze: true });
      for (const [table, index] of [
        ["authenticator_apps", "authenticator_apps_user_confirmed_idx"],
        ["backup_codes", "backup_codes_user_idx"],
      ] as const) {
        const summary = `${table}: ${scanSummary(plan).join("; ")}`;
        const scans = plan.nodes.filter((n) => n["Relation Name"] === table);
        expect(scans.length, summary).toBeGreaterThan(0);
        expect(scans.filter((n) => n["Node Type"] === "Seq Scan"), summary).toEqual([]);
        // (a bitmap scan names the index on its child node)
        const probes = plan.nodes.filter((n) => n["Index Name"] === index);
        expect(probes.length, summary).toBeGreaterThan(0);
        for (const node of [...scans, ...probes]) expect(node["Actual Loops"], `executions of the ${table} probe`).toBeLessThanOrEqual(MEMBERS_PAGE_SIZE + 1);
      }
    });
  });
}
