import net from "node:net";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { RESET_LINK_TTL_MS, requestPasswordReset, resetPasswordWithToken, type PasswordResetDeps } from "@/lib/auth/password-reset";
import { sha256 } from "@/lib/crypto";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, passwordCredentials, passwordResetTokens, smsChallenges, trustedDevices } from "@/lib/db/schema";
import { createSmtpEmailSender } from "@/lib/email/smtp-sender";
import { countUnusedBackupCodes } from "@/lib/two-factor/backup-codes";
import { loadSecondFactorState } from "@/lib/two-factor/policy";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { trustDevice } from "@/lib/two-factor/trusted-devices";
import { loadViewer } from "@/lib/users";
import { databaseTargets } from "../helpers/databases";
import { recordingEmailSender, tokenOf, type RecordingEmailSender } from "../helpers/email";
import { closedPort } from "../helpers/faults";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { concurrentTransactions, contendedDb, createEnrolledUser, dumpAllRows, makeDeps, pendingFor, startChallenge, type TestDeps } from "../helpers/two-factor";

// "Submit a change of password request": lib/auth/password-reset.ts, with a recording email sender
// (and the real SMTP sender against a closed port and a server that never answers).

const APP_URL = "https://connect.example.test";
const NEW_PASSWORD = "a completely new passphrase";

let ipCounter = 0;
/** A client address no other test of this file uses (the per-IP limit stays apart). */
const freshIp = () => `198.51.100.${++ipCounter}`;

describe.each(databaseTargets({ throughPooler: true }))("password reset on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  let email: RecordingEmailSender;
  let reset: PasswordResetDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
    email = recordingEmailSender();
    reset = { db: handle.db, clock: deps.clock, email, appUrl: APP_URL };
  });
  afterAll(() => handle.close());

  const ask = (address: string, ip = freshIp(), d: PasswordResetDeps = reset) =>
    requestPasswordReset(d, { email: address, request: testRequest(ip) });
  const use = (token: string, newPassword = NEW_PASSWORD, db = handle.db) =>
    resetPasswordWithToken({ db, clock: deps.clock }, { token, newPassword, request: testRequest() });
  const signInWith = (address: string, password: string) =>
    checkPassword({ db: handle.db, clock: deps.clock }, { email: address, password, request: testRequest(freshIp()) });
  const hashOf = async (userId: string) =>
    (await handle.db.select().from(passwordCredentials).where(eq(passwordCredentials.userId, userId)))[0]?.hash;
  /** Asks for a link for this user and returns its token. */
  const linkFor = async (address: string) => {
    const before = email.messagesTo(address).length;
    await ask(address);
    expect(email.messagesTo(address)).toHaveLength(before + 1);
    return tokenOf(email.lastLinkTo(address));
  };
  /** The user's password_reset.requested event; waits for it, since delivery may end after the answer. */
  const requestedEvent = (userId: string) =>
    vi.waitFor(
      async () => {
        const [event] = await handle.db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.subjectUserId, userId), eq(auditEvents.type, "password_reset.requested")));
        if (!event) throw new Error("no password_reset.requested event yet");
        return event;
      },
      { timeout: 3_000, interval: 20 },
    );
  /** Every row of every table but the rate-limit counters. */
  const rowsButCounters = async () =>
    (await dumpAllRows(handle.db))
      .split("\n")
      .filter((line) => !line.startsWith("rate_limit_buckets:"))
      .sort();

  it("an unknown email gets the same answer as a known one, sends nothing and stores nothing but the rate-limit counters", async () => {
    const known = await createUser(handle.db);
    const before = await rowsButCounters();
    const sent = email.attempts.length;
    const unknownAnswer = await ask("nobody-here@example.test");
    expect(email.attempts.length).toBe(sent);
    expect(await rowsButCounters()).toEqual(before);
    const knownAnswer = await ask(known.email);
    expect(unknownAnswer).toEqual(knownAnswer);
    expect(email.attempts.length).toBe(sent + 1);
  });

  it("the answer for a registered address does not wait for the mail server (no timing oracle)", async () => {
    const known = await createUser(handle.db);
    const held = recordingEmailSender();
    const deliver = held.send.bind(held);
    let release!: () => void;
    const mailServerAnswers = new Promise<void>((resolve) => (release = resolve));
    held.send = async (message) => {
      await mailServerAnswers;
      return deliver(message);
    };
    await expect(ask(known.email, freshIp(), { ...reset, email: held })).resolves.toBeUndefined();
    // answered while the mail server has not answered yet: an unknown address answers the same way
    expect(held.messagesTo(known.email)).toEqual([]);
    release();
    await vi.waitFor(() => expect(held.messagesTo(known.email)).toHaveLength(1), { timeout: 3_000 });
    await requestedEvent(known.id);
  });

  it("a known email gets exactly one email, to its address, with a link on APP_URL whose token is stored only as a SHA-256 hash", async () => {
    const org = await createOrganization(handle.db);
    const user = await createUser(handle.db, { organizationId: org.id, email: `Alice-${crypto.randomUUID().slice(0, 8)}@Example.test` });
    // any spelling of the address
    await ask(`  ${user.email.toUpperCase()} `);
    const mails = email.messagesTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Change your Connect password");
    expect(mails[0]!.text).toMatch(/within 30 minutes/);
    expect(mails[0]!.text).toMatch(/works once/);
    expect(mails[0]!.text).toMatch(/Two-step authentication stays on/);

    const link = email.lastLinkTo(user.email);
    expect(link.origin).toBe(APP_URL);
    const token = tokenOf(link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url

    const rows = await handle.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id));
    expect(rows).toEqual([
      {
        id: expect.any(String),
        userId: user.id,
        tokenHash: sha256(token),
        createdAt: deps.clock.now(),
        expiresAt: new Date(deps.clock.now().getTime() + 30 * 60_000),
        usedAt: null,
      },
    ]);
    expect(RESET_LINK_TTL_MS).toBe(30 * 60_000);
    expect(await dumpAllRows(handle.db)).not.toContain(token);
  });

  it("the link works until its 30th minute ends and is refused from 30 minutes on, leaving the password unchanged", async () => {
    const early = await createUser(handle.db);
    const late = await createUser(handle.db);
    const start = deps.clock.now().getTime();
    const earlyToken = await linkFor(early.email);
    const lateToken = await linkFor(late.email);
    const lateHash = await hashOf(late.id);

    deps.clock.set(new Date(start + 30 * 60_000 - 1));
    expect(await use(earlyToken)).toEqual({ ok: true });
    deps.clock.set(new Date(start + 30 * 60_000));
    expect(await use(lateToken)).toEqual({ ok: false, code: "INVALID_RESET_LINK" });
    expect(await hashOf(late.id)).toBe(lateHash);
    expect(await signInWith(late.email, late.password)).toMatchObject({ ok: true });
  });

  it("a link works once: the second use is refused and the password stays as the first use set it", async () => {
    const user = await createUser(handle.db);
    const token = await linkFor(user.email);
    expect(await use(token, "first new passphrase")).toEqual({ ok: true });
    expect(await use(token, "second new passphrase")).toEqual({ ok: false, code: "INVALID_RESET_LINK" });
    expect(await signInWith(user.email, "first new passphrase")).toMatchObject({ ok: true });
    expect(await signInWith(user.email, "second new passphrase")).toMatchObject({ ok: false, code: "INVALID_CREDENTIALS" });
  });

  it("10 concurrent uses of one link: exactly one succeeds, and its password is the one that works", async () => {
    const user = await createUser(handle.db);
    const token = await linkFor(user.email);
    const parties = concurrentTransactions(handle.kind, 10);
    const racing = contendedDb(handle.db, { op: "update", table: passwordResetTokens, parties });
    const passwords = Array.from({ length: 10 }, (_, i) => `concurrent passphrase number ${i}`);
    const results = await Promise.all(passwords.map((p) => use(token, p, racing.db)));
    expect(racing.gate.arrived).toBeGreaterThanOrEqual(parties);
    const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, code: "INVALID_RESET_LINK" });
    for (const [i, p] of passwords.entries()) {
      expect((await signInWith(user.email, p)).ok, `password ${i}`).toBe(i === winners[0]);
    }
  });

  it("a made-up, empty or huge token is refused and changes nothing", async () => {
    const before = await rowsButCounters();
    for (const token of ["", "x", "A".repeat(43), "A".repeat(10_000), "../../etc/passwd", "\u0000"]) {
      expect(await use(token)).toEqual({ ok: false, code: "INVALID_RESET_LINK" });
    }
    expect(await rowsButCounters()).toEqual(before);
  });

  it("using the link sets the new password, ends earlier sessions, revokes every trusted device, voids live SMS codes and other links, and leaves 2FA on", async () => {
    const { user, phone, backupCodes } = await createEnrolledUser(deps);
    const devices = [];
    for (let i = 0; i < 2; i++) devices.push(await trustDevice(handle.db, { userId: user.id, userAgent: `browser ${i}`, now: deps.clock.now() }, deps.options));
    const { pending, code } = await startChallenge(deps, user, phone);
    const otherToken = await linkFor(user.email);
    const token = await linkFor(user.email);
    deps.clock.advance(1_000);
    const resetAt = deps.clock.now();

    expect(await use(token)).toEqual({ ok: true });

    // the password
    expect(await signInWith(user.email, NEW_PASSWORD)).toMatchObject({ ok: true, userId: user.id });
    expect(await signInWith(user.email, user.password)).toMatchObject({ ok: false, code: "INVALID_CREDENTIALS" });
    // sessions issued before now are refused on the server (dal.ts compares authTime with this)
    expect((await loadViewer(handle.db, user.id))?.user.sessionsValidAfter).toEqual(resetAt);
    // trusted devices
    const live = await handle.db.select().from(trustedDevices).where(and(eq(trustedDevices.userId, user.id), isNull(trustedDevices.revokedAt)));
    expect(live).toEqual([]);
    // the texted code, and the sign-in it was texted for
    expect(await completeWithSmsCode(deps, { pending, code, trustThisDevice: false, request: testRequest() })).toEqual({ ok: false, code: "SIGN_IN_ENDED" });
    const codes = await handle.db.select().from(smsChallenges).where(eq(smsChallenges.userId, user.id));
    expect(codes.filter((c) => c.consumedAt === null && c.voidedAt === null)).toEqual([]);
    // the other link
    expect(await use(otherToken, "yet another passphrase")).toEqual({ ok: false, code: "INVALID_RESET_LINK" });

    // 2FA stays on: the phone is still verified, the backup codes still work, sign-in asks for the code
    const state = await loadSecondFactorState(deps, user.id, deps.clock.now());
    expect(state).toMatchObject({ enrolled: true, required: true, phoneE164: phone });
    expect(await countUnusedBackupCodes(handle.db, user.id)).toBe(10);
    for (const device of devices) {
      const next = await continueAfterPassword(deps, { userId: user.id, returnTo: "/", deviceToken: device.token, request: testRequest() });
      expect(next).toMatchObject({ next: "second_factor", pending: { stage: "challenge" } });
      deps.clock.advance(30_000);
    }
    const withBackup = await completeWithBackupCode(deps, {
      pending: pendingFor(user.id, { now: deps.clock.now() }),
      code: backupCodes[0]!,
      trustThisDevice: false,
      request: testRequest(),
    });
    expect(withBackup).toMatchObject({ ok: true, backupCodesRemaining: 9 });
  });

  it("at most 3 reset emails per address per hour, however the address is spelled; the next hour allows more", async () => {
    const user = await createUser(handle.db);
    const start = deps.clock.now().getTime();
    const spellings = [user.email, user.email.toUpperCase(), ` ${user.email} `, user.email, user.email.toUpperCase()];
    for (const spelling of spellings) await ask(spelling);
    expect(email.messagesTo(user.email)).toHaveLength(3);
    deps.clock.set(new Date(start + 60 * 60_000 - 1));
    await ask(user.email);
    expect(email.messagesTo(user.email)).toHaveLength(3);
    deps.clock.set(new Date(start + 60 * 60_000));
    await ask(user.email);
    expect(email.messagesTo(user.email)).toHaveLength(4);
    expect(await handle.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id))).toHaveLength(4);
  });

  it("at most 20 reset requests per client IP per hour, unknown addresses included, and an IPv6 /64 counts as one client", async () => {
    const targets = await Promise.all(Array.from({ length: 3 }, () => createUser(handle.db)));
    const ip = freshIp();
    for (let i = 0; i < 20; i++) await ask(`probe-${i}-${crypto.randomUUID()}@example.test`, ip);
    const sent = email.attempts.length;
    await ask(targets[0]!.email, ip);
    expect(email.attempts.length, "the 21st request from one address sends nothing").toBe(sent);
    await ask(targets[0]!.email, freshIp());
    expect(email.messagesTo(targets[0]!.email), "another address is not held back").toHaveLength(1);

    // IPv6: 20 requests from 20 addresses of one /64
    for (let i = 1; i <= 20; i++) await ask(`probe-v6-${i}-${crypto.randomUUID()}@example.test`, `2001:db8:77:1::${i.toString(16)}`);
    await ask(targets[1]!.email, "2001:db8:77:1:ffff:ffff:ffff:ffff");
    expect(email.messagesTo(targets[1]!.email)).toHaveLength(0);
    await ask(targets[2]!.email, "2001:db8:77:2::1");
    expect(email.messagesTo(targets[2]!.email), "the next /64 is another client").toHaveLength(1);
  });

  it("an email delivery failure is recorded in the audit event details, and the account is unchanged", async () => {
    const org = await createOrganization(handle.db);
    const user = await createUser(handle.db, { organizationId: org.id });
    const hash = await hashOf(user.id);
    const validAfter = (await loadViewer(handle.db, user.id))?.user.sessionsValidAfter;
    email.failNext({ ok: false, reason: "unavailable", detail: "smtp ECONNECTION 421: mail.example.test is down" });
    await expect(ask(user.email)).resolves.toBeUndefined();
    const event = await requestedEvent(user.id);
    expect(email.messagesTo(user.email)).toEqual([]);
    expect(event).toMatchObject({ organizationId: org.id, details: { delivery: "failed", reason: "unavailable" } });
    expect(await hashOf(user.id)).toBe(hash);
    expect((await loadViewer(handle.db, user.id))?.user.sessionsValidAfter).toEqual(validAfter);
    expect(await signInWith(user.email, user.password)).toMatchObject({ ok: true });
    // the next request, once mail works again, sends the link
    await ask(user.email);
    expect(email.messagesTo(user.email)).toHaveLength(1);
  });

  it("SMTP down for real (a closed port, a server that never answers): the request still resolves within the timeout and the failure is audited", async () => {
    const silent = net.createServer(() => {
      /* accepts the connection, never greets */
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;
    try {
      for (const url of [`smtp://127.0.0.1:${await closedPort()}`, `smtp://127.0.0.1:${silentPort}`]) {
        const user = await createUser(handle.db);
        const smtp = createSmtpEmailSender({ url, timeoutMs: 300 });
        const started = Date.now();
        await expect(ask(user.email, freshIp(), { ...reset, email: smtp })).resolves.toBeUndefined();
        const event = await requestedEvent(user.id);
        expect(Date.now() - started, url).toBeLessThan(3_000);
        expect(event.details, url).toEqual({ delivery: "failed", reason: "unavailable" });
      }
    } finally {
      silent.close();
    }
  });

  it("the audit log has password_reset.requested and password_reset.completed with the user and their organization, and no token", async () => {
    const org = await createOrganization(handle.db);
    const user = await createUser(handle.db, { organizationId: org.id });
    const ip = freshIp();
    await ask(user.email, ip);
    const token = tokenOf(email.lastLinkTo(user.email));
    expect(await resetPasswordWithToken({ db: handle.db, clock: deps.clock }, { token, newPassword: NEW_PASSWORD, request: testRequest("192.0.2.55") })).toEqual({
      ok: true,
    });
    await requestedEvent(user.id);
    const events = await handle.db.select().from(auditEvents).where(eq(auditEvents.subjectUserId, user.id));
    const byType = Object.fromEntries(events.map((e) => [e.type, e]));
    expect(byType["password_reset.requested"]).toMatchObject({ organizationId: org.id, actorUserId: user.id, ip, details: {} });
    expect(byType["password_reset.completed"]).toMatchObject({ organizationId: org.id, actorUserId: user.id, ip: "192.0.2.55" });
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(events)).not.toContain(sha256(token));
  });
});
