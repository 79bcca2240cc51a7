import fs from "node:fs";
import path from "node:path";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { TransactionRollbackError, and, eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/config.edge";
import { readDatabaseSessionClaims } from "@/lib/auth/database-session";
import { resetPasswordWithToken } from "@/lib/auth/password-reset";
import { isWithinSessionLifetime } from "@/lib/auth/session-token";
import { randomToken, sha256 } from "@/lib/crypto";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import {
  accounts,
  endedSessions,
  outboxMessages,
  passwordResetTokens,
  rateLimitBuckets,
  sessions,
  signInTickets,
  smsChallenges,
  trustedDevices,
  users,
  verificationTokens,
} from "@/lib/db/schema";
import { PORTAL_SWEEP_OPTIONS, RATE_LIMIT_RULES, retentionMs, sweepExpiredRows } from "@/lib/housekeeping";
import { consumeRateLimit, peekRateLimit } from "@/lib/rate-limit";
import { secondFactorLockedUntil } from "@/lib/two-factor/lockout";
import { sendSmsCode } from "@/lib/two-factor/send-code";
import { consumeSignInTicket, issueSignInTicket } from "@/lib/two-factor/sign-in-ticket";
import { smsChallengeRetentionMs } from "@/lib/two-factor/sweep";
import { recognizeTrustedDevice, trustDevice } from "@/lib/two-factor/trusted-devices";
import { loadViewer } from "@/lib/users";
import { databaseTargets } from "../helpers/databases";
import { createUser, testClock, testRequest } from "../helpers/fixtures";
import { freshPhone, makeDeps } from "../helpers/two-factor";

// Every run sweeps at the same instant; rows are placed a few milliseconds either side of each
// boundary the code that reads them uses (and anywhere further out), so an off-by-one shows.
const NOW = new Date("2026-11-28T10:00:00Z");
const HOUR = 3_600_000;
const options = PORTAL_SWEEP_OPTIONS;
const retention = retentionMs();
const near = (boundary: number) => fc.integer({ min: -2, max: 2 }).map((d) => boundary + d);
const ago = (...boundaries: number[]) => fc.oneof(...boundaries.map(near), fc.integer({ min: 0, max: 2 * Math.max(...boundaries) }));
/** An instant relative to NOW: around it, or up to a day either side. */
const aroundNow = fc.oneof(near(0), fc.integer({ min: -24 * HOUR, max: 24 * HOUR }));
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

const scenario = fc.record({
  challenges: fc.array(fc.record({ createdAgo: ago(options.resendIntervalMs, HOUR, 24 * HOUR, options.codeTtlMs, options.pendingSignInTtlMs), expiresIn: aroundNow }), { maxLength: 6 }),
  perPhone: fc.integer({ min: 1, max: 7 }),
  perAccount: fc.integer({ min: 1, max: 7 }),
  lockedUntil: fc.option(aroundNow),
  tickets: fc.array(fc.record({ expiresIn: aroundNow, consumed: fc.boolean(), kind: fc.constantFrom("session" as const, "first_factor" as const) }), { maxLength: 3 }),
  devices: fc.array(fc.record({ expiresIn: aroundNow, revoked: fc.boolean() }), { maxLength: 3 }),
  reset: fc.option(fc.record({ expiresIn: aroundNow, used: fc.boolean() })),
  bucket: fc.record({ rule: fc.constantFrom(...RATE_LIMIT_RULES), startedAgo: ago(...RATE_LIMIT_RULES.map((rule) => rule.windowMs)), hits: fc.integer({ min: 0, max: 60 }) }),
  ended: fc.uniqueArray(ago(retention.endedSessions), { maxLength: 3 }),
  databaseSessions: fc.array(fc.record({ expiresIn: aroundNow, authAgo: ago(retention.sessions) }), { maxLength: 3 }),
  verificationTokens: fc.array(aroundNow, { maxLength: 3 }),
  outbox: fc.array(ago(retention.outboxMessages), { maxLength: 3 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** A deciding function's answer, on a transaction rolled back afterwards: asking changes nothing. */
async function probe<T>(db: Db, decide: (tx: Db) => Promise<T>): Promise<T> {
  let answer: { value: T } | null = null;
  await db
    .transaction(async (tx) => {
      answer = { value: await decide(tx as Db) };
      tx.rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
  if (!answer) throw new Error("the probe gave no answer");
  return (answer as { value: T }).value;
}

const jarWith = (token: string) => ({ get: (name: string) => (name === "authjs.session-token" ? { value: token } : undefined), getAll: () => [{ name: "authjs.session-token", value: token }] });

describe.each(databaseTargets())("the housekeeping sweep on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  /** Writes one scenario's rows; returns their keys, which of them are past retention, and the questions to ask. */
  async function seed(db: Db, s: Scenario) {
    const user = await createUser(db);
    const phone = freshPhone();
    const nonce = randomToken();
    const codeKey = "sweep-test-code-key-0123456789abcdef";
    const expired: Record<string, string[]> = {};
    const kept: Record<string, string[]> = {};
    const note = (table: string, key: string, isExpired: boolean) => ((isExpired ? expired : kept)[table] ??= []).push(key);

    for (const c of s.challenges) {
      const id = crypto.randomUUID();
      const createdAt = at(-c.createdAgo);
      await db.insert(smsChallenges).values({ id, userId: user.id, purpose: "sign_in", attemptHash: sha256(nonce), phoneE164: phone, codeHmac: "x", createdAt, sentAt: createdAt, expiresAt: at(c.expiresIn) });
      note("sms_challenges", id, c.createdAgo >= smsChallengeRetentionMs(options) && c.expiresIn <= 0);
    }
    if (s.lockedUntil !== null) await db.update(users).set({ secondFactorLockedUntil: at(s.lockedUntil) }).where(eq(users.id, user.id));

    const tickets: { token: string; kind: "session" | "first_factor" }[] = [];
    for (const t of s.tickets) {
      const token = await issueSignInTicket(db, user.id, ["pwd"], at(-60_000), 60_000 + t.expiresIn, t.kind);
      if (t.consumed) await db.update(signInTickets).set({ consumedAt: at(-30_000) }).where(eq(signInTickets.tokenHash, sha256(token)));
      tickets.push({ token, kind: t.kind });
      note("sign_in_tickets", sha256(token), t.expiresIn <= 0);
    }
    const devices: string[] = [];
    for (const d of s.devices) {
      const created = at(-HOUR);
      const { token } = await trustDevice(db, { userId: user.id, userAgent: null, now: created }, { trustedDeviceTtlMs: HOUR + d.expiresIn, maxTrustedDevicesPerUser: 10 });
      if (d.revoked) await db.update(trustedDevices).set({ revokedAt: at(-1) }).where(eq(trustedDevices.tokenHash, sha256(token)));
      devices.push(token);
      note("trusted_devices", sha256(token), d.expiresIn <= 0);
    }
    const resetToken = randomToken();
    if (s.reset) {
      await db.insert(passwordResetTokens).values({ userId: user.id, tokenHash: sha256(resetToken), createdAt: at(-HOUR), expiresAt: at(s.reset.expiresIn), usedAt: s.reset.used ? at(-1) : null });
      note("password_reset_tokens", sha256(resetToken), s.reset.expiresIn <= 0);
    }
    const bucketKey = `sweep-test:${randomToken()}`;
    await db.insert(rateLimitBuckets).values({ key: bucketKey, hits: s.bucket.hits, windowStartedAt: at(-s.bucket.startedAgo) });
    note("rate_limit_buckets", bucketKey, s.bucket.startedAgo >= retention.rateLimitBuckets);
    const authTimes = s.ended.map((agoMs) => NOW.getTime() - agoMs);
    for (const authTime of authTimes) {
      await db.insert(endedSessions).values({ userId: user.id, authTime, endedAt: new Date(Math.min(authTime + 1_000, NOW.getTime())) });
      note("ended_sessions", `${user.id}|${authTime}`, NOW.getTime() - authTime >= retention.endedSessions);
    }
    const sessionTokens: string[] = [];
    for (const d of s.databaseSessions) {
      const token = randomToken();
      await db.insert(sessions).values({ sessionToken: token, userId: user.id, expires: at(d.expiresIn), amr: ["pwd", "sms"], authTime: at(-d.authAgo) });
      sessionTokens.push(token);
      note("sessions", token, d.expiresIn < 0 || d.authAgo >= retention.sessions);
    }
    const identifier = `${randomToken()}@example.test`;
    const verification: string[] = [];
    for (const expiresIn of s.verificationTokens) {
      const token = randomToken();
      await db.insert(verificationTokens).values({ identifier, token, expires: at(expiresIn) });
      verification.push(token);
      note("verification_tokens", token, expiresIn < 0);
    }
    for (const agoMs of s.outbox) {
      const [row] = await db.insert(outboxMessages).values({ channel: "email", recipient: identifier, body: "link", createdAt: at(-agoMs) }).returning({ id: outboxMessages.id });
      note("outbox_messages", row!.id, agoMs >= retention.outboxMessages);
    }

    const deps = { ...makeDeps(db, { clock: testClock(NOW), codeKey, options: { ...options, maxCodesPerPhonePerDay: s.perPhone, maxCodesPerAccountPerHour: s.perAccount, maxSmsPerDay: null } }) };

    /** What every limit and guarantee decides about this scenario's rows, at NOW. */
    async function decisions() {
      const nowMs = NOW.getTime();
      const send = await probe(db, (tx) => sendSmsCode({ ...deps, db: tx }, { userId: user.id, organizationId: null, purpose: "sign_in", attemptNonce: nonce, phoneE164: phone, request: null }));
      return {
        send: send.ok ? { ok: true, resendAt: send.resendAt } : send,
        locked: await secondFactorLockedUntil(db, user.id, NOW),
        tickets: await Promise.all(tickets.map((t) => probe(db, (tx) => consumeSignInTicket(tx, t.token, NOW, t.kind)))),
        devices: await Promise.all(devices.map((token) => probe(db, (tx) => recognizeTrustedDevice(tx, user.id, token, NOW)))),
        reset: s.reset ? await probe(db, (tx) => resetPasswordWithToken({ db: tx, clock: testClock(NOW) }, { token: resetToken, newPassword: "a new long password", request: testRequest() })) : null,
        bucketPeek: await peekRateLimit(db, bucketKey, s.bucket.rule, NOW),
        bucketHit: await probe(db, (tx) => consumeRateLimit(tx, bucketKey, s.bucket.rule, NOW)),
        ended: await Promise.all(authTimes.map(async (authTime) => isWithinSessionLifetime(authTime, nowMs) && (await loadViewer(db, user.id, authTime)) !== null)),
        databaseSessions: await Promise.all(sessionTokens.map((token) => readDatabaseSessionClaims(jarWith(token), db, nowMs))),
        // next-auth's own rule for a sign-in link (@auth/core's callback): found, and not `expires < now`.
        verification: await Promise.all(
          verification.map((token) => probe(db, async (tx) => {
            const found = await DrizzleAdapter(tx, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens }).useVerificationToken!({ identifier, token });
            return found !== null && !(found.expires.valueOf() < nowMs);
          })),
        ),
      };
    }
    return { expired, kept, decisions };
  }

  async function present(db: Db, table: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const column = {
      sms_challenges: [smsChallenges, smsChallenges.id],
      sign_in_tickets: [signInTickets, signInTickets.tokenHash],
      trusted_devices: [trustedDevices, trustedDevices.tokenHash],
      password_reset_tokens: [passwordResetTokens, passwordResetTokens.tokenHash],
      rate_limit_buckets: [rateLimitBuckets, rateLimitBuckets.key],
      sessions: [sessions, sessions.sessionToken],
      verification_tokens: [verificationTokens, verificationTokens.token],
      outbox_messages: [outboxMessages, outboxMessages.id],
    } as const;
    if (table === "ended_sessions") {
      const found: string[] = [];
      for (const key of keys) {
        const [userId, authTime] = key.split("|");
        const rows = await db.select().from(endedSessions).where(and(eq(endedSessions.userId, userId!), eq(endedSessions.authTime, Number(authTime))));
        if (rows.length > 0) found.push(key);
      }
      return found;
    }
    const [from, key] = column[table as keyof typeof column];
    const rows = await db.select({ key }).from(from).where(inArray(key, keys));
    return rows.map((row) => String(row.key));
  }

  it("the sweep never removes a row a limit or a guarantee still needs, and removes every row past its retention", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const db = handle.db;
        const { expired, kept, decisions } = await seed(db, s);
        const before = await decisions();
        const counts = await sweepExpiredRows({ db, clock: testClock(NOW) });
        expect(await decisions()).toEqual(before);
        for (const [table, keys] of Object.entries(kept)) expect(await present(db, table, keys), table).toEqual(expect.arrayContaining(keys));
        for (const [table, keys] of Object.entries(expired)) expect(await present(db, table, keys), table).toEqual([]);
        // Every run sweeps at the same instant, so what earlier runs left is live: this run deletes exactly its own expired rows.
        for (const [table, deleted] of Object.entries(counts)) expect(deleted, table).toBe(expired[table]?.length ?? 0);
      }),
      { numRuns: 30 },
    );
  });

  it("the audit log and users are never swept", async () => {
    const user = await createUser(handle.db);
    const { auditEvents } = await import("@/lib/db/schema");
    await handle.db.insert(auditEvents).values({ type: "test.ancient", subjectUserId: user.id, createdAt: new Date("2000-01-01T00:00:00Z") });
    await sweepExpiredRows({ db: handle.db, clock: testClock(new Date("2100-01-01T00:00:00Z")) });
    expect(await handle.db.select().from(auditEvents).where(eq(auditEvents.subjectUserId, user.id))).toHaveLength(1);
    expect(await handle.db.select().from(users).where(eq(users.id, user.id))).toHaveLength(1);
  });
});

describe("the sweep's retention", () => {
  it("every rate-limit rule written in lib/ is in RATE_LIMIT_RULES, so no bucket is swept inside its window", () => {
    const windows: number[] = [];
    for (const file of fs.readdirSync("lib", { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"))) {
      const text = fs.readFileSync(path.join("lib", file), "utf8");
      for (const match of text.matchAll(/\{ limit: [0-9_]+, windowMs: ([0-9_ *]+) \}/g)) windows.push(match[1]!.replaceAll("_", "").split("*").reduce((product, factor) => product * Number(factor.trim()), 1));
    }
    expect(windows.length).toBe(RATE_LIMIT_RULES.length);
    expect(windows.sort()).toEqual(RATE_LIMIT_RULES.map((rule) => rule.windowMs).sort());
  });

  it("keeps its rows for the code's own numbers", () => {
    expect(smsChallengeRetentionMs(options)).toBe(24 * HOUR);
    expect(retention).toEqual({ rateLimitBuckets: HOUR, endedSessions: SESSION_MAX_AGE_SECONDS * 1000, outboxMessages: 24 * HOUR, sessions: SESSION_MAX_AGE_SECONDS * 1000 });
  });
});
