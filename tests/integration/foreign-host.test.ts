import { eq, sql } from "drizzle-orm";
import { generateDrizzleJson, generateMigration } from "drizzle-kit/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/rows";
import {
  completePhoneSetup,
  completeSignInChallenge,
  continueAfterPassword,
  createTwoFactor,
  finishSignInSetup,
  NO_ORGANIZATION,
  resetMemberTwoFactor,
  sendSetupCode,
  verifyPhoneForSignIn,
  type CookieInstruction,
  type OrganizationRole,
  type SessionGrant,
  type TwoFactorDb,
  type TwoFactorHost,
} from "@/lib/two-factor";
import * as hostSchema from "../fakes/host-schema";
import { emptyDatabaseTargets, type EmptyDatabase } from "../helpers/databases";
import { recordingEmailSender } from "../helpers/email";
import { testClock, testRequest } from "../helpers/fixtures";
import { recordingSmsSender } from "../helpers/sms";
import { freshPhone } from "../helpers/two-factor";

// Issue 15: the plugin mounted by a host that has none of the portal's tables. Its schema
// (tests/fakes/host-schema.ts) is its own users table with the plugin's columns, its own audit
// table with the plugin's audit columns, and the plugin's tables: no memberships, no organizations.
// Its organizations, roles and sessions live in memory and reach the plugin only as `host` answers.

const sessionPassword = "p".repeat(40);

/** The host's own organizations, members and ended sessions, in memory. */
function inMemoryHost() {
  const organizations = new Map<string, { requireTwoFactor: boolean; graceUntil: Date | null }>();
  const members = new Map<string, { organizationId: string; role: OrganizationRole }>();
  const endedSessions: { userId: string; before: Date; db: TwoFactorDb }[] = [];
  const failEndSessionsFor = new Set<string>();
  const answers: TwoFactorHost = {
    async organizationPolicy(_db, userId) {
      const member = members.get(userId);
      const organization = member && organizations.get(member.organizationId);
      if (!member || !organization) return NO_ORGANIZATION;
      const { requireTwoFactor, graceUntil } = organization;
      return { organizationId: member.organizationId, requireTwoFactor, graceUntil: requireTwoFactor ? graceUntil : null };
    },
    async roleIn(_db, { userId, organizationId }) {
      const member = members.get(userId);
      return member?.organizationId === organizationId ? member.role : null;
    },
    async endSessions(db, { userId, before }) {
      if (failEndSessionsFor.has(userId)) throw new Error("the host's session store is down");
      endedSessions.push({ userId, before, db });
    },
  };
  return { organizations, members, endedSessions, failEndSessionsFor, answers };
}

describe.each(emptyDatabaseTargets())("the plugin in a host without memberships or organizations, on $name", (target) => {
  let database: EmptyDatabase<typeof hostSchema>;
  const clock = testClock();
  const sms = recordingSmsSender();
  const email = recordingEmailSender();
  const host = inMemoryHost();
  const grants: SessionGrant[] = [];
  const plugin = createTwoFactor({
    database: () => database.db,
    host: host.answers,
    sms,
    email,
    clock,
    secret: "s".repeat(40),
    sessionPassword,
    appName: "Acme",
    // The host's session is not read here: no step of this file is a signed-in one.
    getSession: async () => null,
    startSession: async (grant) => {
      grants.push(grant);
      return [{ name: "acme-session", value: `session-of-${grant.userId}`, attributes: { httpOnly: true, secure: true, sameSite: "lax", path: "/" } }];
    },
  });
  const deps = () => plugin.deps({ host: "acme.example.test" });

  beforeAll(async () => {
    database = await target.open(hostSchema);
    for (const statement of await generateMigration(generateDrizzleJson({}), generateDrizzleJson(hostSchema))) {
      await database.db.execute(sql.raw(statement));
    }
  });
  afterAll(() => database?.close());

  let ids = 0;
  /** A user of the host (ids of its own shape, not UUIDs), in `organizationId` with `role` when given. */
  async function hostUser(organizationId?: string, role: OrganizationRole = "member") {
    const id = `acme-user-${++ids}`;
    const user = { id, email: `${id}@acme.example.test` };
    await database.db.insert(hostSchema.users).values(user);
    if (organizationId) host.members.set(id, { organizationId, role });
    return user;
  }

  /** Sets the user's phone up on the host's security page: a verified phone and backup codes. */
  async function enroll(user: { id: string }) {
    const phone = freshPhone();
    const attemptNonce = `security:${user.id}`;
    expect(await sendSetupCode(await deps(), { userId: user.id, attemptNonce, phone, request: testRequest() })).toMatchObject({ ok: true });
    const done = await completePhoneSetup(await deps(), { userId: user.id, attemptNonce, code: sms.lastCodeTo(phone), request: testRequest(), selfEnabled: false, signIn: null });
    expect(done).toMatchObject({ ok: true });
    return phone;
  }

  const afterPassword = async (userId: string, deviceToken?: string) =>
    continueAfterPassword(await deps(), { userId, returnTo: "/dashboard", deviceToken, request: testRequest() });

  const eventsAbout = (userId: string) =>
    database.db.select().from(hostSchema.auditLog).where(eq(hostSchema.auditLog.subjectUserId, userId)).orderBy(hostSchema.auditLog.createdAt);

  const pendingIn = (cookie: CookieInstruction) =>
    plugin.cookies.pendingSignIn.read({ get: (name) => (name === cookie.name ? { value: cookie.value } : undefined) }, sessionPassword, clock.now().getTime());

  it("the host's database holds only its own tables and the plugin's", async () => {
    const tables = rowsOf<{ table_name: string }>(
      await database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`),
    ).map((row) => row.table_name);
    expect(tables).toEqual(["audit_events", "authenticator_apps", "backup_codes", "passkey_challenges", "passkeys", "sign_in_tickets", "sms_challenges", "trusted_devices", "users"]);
  });

  it("a member of an organization that requires 2FA sets it up at sign-in, the host's startSession gets the grant, and the events land in the host's audit table", async () => {
    host.organizations.set("acme-org", { requireTwoFactor: true, graceUntil: null });
    const user = await hostUser("acme-org");
    const after = await afterPassword(user.id);
    if (after.next !== "second_factor") throw new Error(`expected a second factor, got ${after.next}`);
    expect(after).toMatchObject({ sent: null, pending: { stage: "setup", organizationId: "acme-org" } });

    const phone = freshPhone();
    const { pending } = after;
    expect(await sendSetupCode(await deps(), { userId: user.id, attemptNonce: pending.nonce, phone, request: testRequest(), signIn: pending })).toMatchObject({ ok: true });
    expect(sms.messagesTo(phone).at(-1)?.text).toMatch(/^Acme verification code: \d{6}\./);
    const verified = await verifyPhoneForSignIn(await deps(), { pending, code: sms.lastCodeTo(phone), request: testRequest() });
    if (!verified.ok) throw new Error(`setup failed: ${verified.code}`);
    expect(verified.backupCodes).toHaveLength(10);
    expect(email.messagesTo(user.email).at(-1)).toMatchObject({ subject: "Two-step authentication is on", text: expect.stringContaining("on your Acme account") });

    const withTicket = await pendingIn(verified.cookies[0]!);
    const finished = await finishSignInSetup(await deps(), withTicket!);
    expect(finished).toMatchObject({ ok: true, redirectTo: "/two-step-enabled?next=%2Fdashboard" });
    expect(finished.cookies.map((c) => c.name)).toContain("acme-session");
    expect(grants.at(-1)).toEqual({ userId: user.id, amr: ["pwd", "sms"] });

    const events = await eventsAbout(user.id);
    expect(events.map((e) => e.type)).toEqual(["two_factor.code_sent", "two_factor.phone_added", "two_factor.phone_verified", "two_factor.enabled"]);
    for (const event of events) expect(event).toMatchObject({ organizationId: "acme-org", actorUserId: user.id, ip: "203.0.113.7", tenantNote: null });
  });

  it("an enrolled member's texted code completes the challenge: the session's grant, a trusted device, the success in the host's audit table", async () => {
    host.organizations.set("acme-org", { requireTwoFactor: true, graceUntil: null });
    const user = await hostUser("acme-org");
    const phone = await enroll(user);
    const after = await afterPassword(user.id);
    if (after.next !== "second_factor") throw new Error(`expected a second factor, got ${after.next}`);
    expect(after).toMatchObject({ pending: { stage: "challenge" }, sent: { ok: true } });

    const done = await completeSignInChallenge(await deps(), { method: "sms", pending: after.pending, code: sms.lastCodeTo(phone), trustThisDevice: true, request: testRequest() });
    expect(done).toMatchObject({ ok: true, redirectTo: "/dashboard" });
    expect(grants.at(-1)).toEqual({ userId: user.id, amr: ["pwd", "sms"] });
    const device = done.cookies.find((c) => c.name === plugin.cookies.names.trustedDevice);
    expect(done.cookies.map((c) => c.name)).toEqual(expect.arrayContaining(["acme-session", plugin.cookies.names.trustedDevice]));
    expect(email.messagesTo(user.email).at(-1)).toMatchObject({ subject: "A new device is trusted", text: expect.stringContaining("signed in to your Acme account") });

    const succeeded = (await eventsAbout(user.id)).filter((e) => e.type === "sign_in.second_factor_succeeded" || e.type === "two_factor.trusted_device_added");
    expect(succeeded).toEqual([
      expect.objectContaining({ type: "sign_in.second_factor_succeeded", organizationId: "acme-org", details: { amr: ["pwd", "sms"] } }),
      expect.objectContaining({ type: "two_factor.trusted_device_added", organizationId: "acme-org" }),
    ]);
    // the trusted device skips the code at the next sign-in
    expect(await afterPassword(user.id, device!.value)).toEqual({ next: "session", session: { userId: user.id, amr: ["pwd", "trusted_device"] } });
  });

  it("the organization's requirement, switched on in the host's answer, reaches the member's next sign-in; a grace period lets them skip", async () => {
    host.organizations.set("beta-org", { requireTwoFactor: false, graceUntil: null });
    const user = await hostUser("beta-org");
    const loner = await hostUser();
    expect(await afterPassword(user.id)).toEqual({ next: "session", session: { userId: user.id, amr: ["pwd"] } });

    host.organizations.set("beta-org", { requireTwoFactor: true, graceUntil: null });
    expect(await afterPassword(user.id)).toMatchObject({ next: "second_factor", pending: { stage: "setup", organizationId: "beta-org" } });

    host.organizations.set("beta-org", { requireTwoFactor: true, graceUntil: new Date(clock.now().getTime() + 86_400_000) });
    expect(await afterPassword(user.id)).toMatchObject({ next: "session" });
    // a user in no organization of the host: nothing requires it of them
    expect(await afterPassword(loner.id)).toEqual({ next: "session", session: { userId: loner.id, amr: ["pwd"] } });
    const signIns = (await eventsAbout(user.id)).filter((e) => e.type === "sign_in.succeeded");
    expect(signIns.map((e) => e.organizationId)).toEqual(["beta-org", "beta-org"]);
  });

  it("an admin's reset, authorized by the host's roles, ends the member's sessions through the host inside the reset's transaction", async () => {
    host.organizations.set("gamma-org", { requireTwoFactor: true, graceUntil: null });
    host.organizations.set("delta-org", { requireTwoFactor: true, graceUntil: null });
    const [owner, admin, member, stranger] = [await hostUser("gamma-org", "owner"), await hostUser("gamma-org", "admin"), await hostUser("gamma-org"), await hostUser("delta-org", "admin")];
    for (const user of [owner, admin, member]) await enroll(user);
    const reset = async (actor: { id: string }, target: { id: string }) => {
      const organizationId = host.members.get(actor.id)!.organizationId;
      return resetMemberTwoFactor(await deps(), { actor: { userId: actor.id, organizationId }, targetUserId: target.id, request: testRequest("198.51.100.9"), now: clock.now() });
    };

    expect(await reset(member, admin)).toEqual({ ok: false, code: "FORBIDDEN" });
    expect(await reset(admin, owner)).toEqual({ ok: false, code: "FORBIDDEN" });
    expect(await reset(admin, admin)).toEqual({ ok: false, code: "NOT_FOUND" });
    expect(await reset(stranger, member)).toEqual({ ok: false, code: "NOT_FOUND" });
    expect(host.endedSessions).toEqual([]);

    const root = (await deps()).db;
    expect(await reset(admin, member)).toEqual({ ok: true, email: member.email });
    expect(host.endedSessions).toHaveLength(1);
    expect(host.endedSessions[0]).toMatchObject({ userId: member.id, before: clock.now() });
    expect(host.endedSessions[0]!.db, "the answer is given the reset's transaction, not the root database").not.toBe(root);
    expect(await afterPassword(member.id)).toMatchObject({ next: "second_factor", sent: null, pending: { stage: "setup" } });
    expect(await eventsAbout(member.id)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "two_factor.reset_by_admin", organizationId: "gamma-org", actorUserId: admin.id, ip: "198.51.100.9" })]),
    );

    // the host demotes the admin: the next reset asks again, and is refused
    host.members.set(admin.id, { organizationId: "gamma-org", role: "member" });
    expect(await reset(admin, owner)).toEqual({ ok: false, code: "FORBIDDEN" });
  });

  it("a host whose endSessions fails leaves the reset undone: the member keeps their second factor and no reset is recorded", async () => {
    host.organizations.set("eta-org", { requireTwoFactor: true, graceUntil: null });
    const [owner, member] = [await hostUser("eta-org", "owner"), await hostUser("eta-org")];
    await enroll(member);
    host.failEndSessionsFor.add(member.id);
    const input = { actor: { userId: owner.id, organizationId: "eta-org" }, targetUserId: member.id, request: testRequest(), now: clock.now() };
    await expect(resetMemberTwoFactor(await deps(), input)).rejects.toThrow("the host's session store is down");
    clock.advance(60_000);
    expect(await afterPassword(member.id)).toMatchObject({ next: "second_factor", pending: { stage: "challenge" }, sent: { ok: true } });
    expect((await eventsAbout(member.id)).map((e) => e.type)).not.toContain("two_factor.reset_by_admin");
  });
});
