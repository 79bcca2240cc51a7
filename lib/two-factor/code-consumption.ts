import { and, desc, eq, gt, isNotNull, isNull, lt, notExists, sql } from "drizzle-orm";
import { preparedPerDatabase } from "../db/prepared";
import type { TwoFactorEventInput } from "./audit";
import type { TwoFactorDb } from "./db";
import { smsChallenges, twoFactorAuditEvents, twoFactorUsers, type ChallengePurpose } from "./schema";

const p = sql.placeholder;

/** The user (email, lock) and the newest live challenge of this purpose and attempt, in one read. */
const liveChallengeQuery = preparedPerDatabase((db: TwoFactorDb) => {
  const newest = db
    .select({ id: smsChallenges.id, codeHmac: smsChallenges.codeHmac })
    .from(smsChallenges)
    .where(and(
      eq(smsChallenges.userId, p("userId")),
      eq(smsChallenges.purpose, p("purpose")),
      eq(smsChallenges.attemptHash, p("attemptHash")),
      isNotNull(smsChallenges.sentAt),
      isNull(smsChallenges.consumedAt),
      isNull(smsChallenges.voidedAt),
      gt(smsChallenges.expiresAt, p("now")),
    ))
    .orderBy(desc(smsChallenges.createdAt))
    .limit(1)
    .as("newest");
  return db
    .select({
      email: twoFactorUsers.email,
      lockedUntil: twoFactorUsers.secondFactorLockedUntil,
      pendingSignInsValidAfter: twoFactorUsers.pendingSignInsValidAfter,
      challengeId: newest.id,
      codeHmac: newest.codeHmac,
    })
    .from(twoFactorUsers)
    .leftJoin(newest, sql`true`)
    .where(eq(twoFactorUsers.id, p("userId")))
    .limit(1)
    .prepare("find_live_sms_challenge");
});

export type LiveChallenge = NonNullable<Awaited<ReturnType<typeof findLiveChallenge>>>;

export async function findLiveChallenge(db: TwoFactorDb, input: { userId: string; purpose: ChallengePurpose; attemptHash: string; now: Date }) {
  const [row] = await liveChallengeQuery(db).execute({ ...input, now: input.now.toISOString() });
  return row ?? null;
}

/**
 * The challenge can still take a try: live, tries left, its user not locked. Both outcomes spend
 * one through it (placeholders challengeId, userId, now, maxTries).
 */
function tryCanBeSpent(db: TwoFactorDb) {
  return and(
    eq(smsChallenges.id, p("challengeId")),
    eq(smsChallenges.userId, p("userId")),
    isNull(smsChallenges.consumedAt),
    isNull(smsChallenges.voidedAt),
    gt(smsChallenges.expiresAt, p("now")),
    lt(smsChallenges.attempts, p("maxTries")),
    notExists(db.select({ id: twoFactorUsers.id }).from(twoFactorUsers).where(and(eq(twoFactorUsers.id, p("userId")), gt(twoFactorUsers.secondFactorLockedUntil, p("now"))))),
  );
}

// PostgreSQL runs every data-modifying WITH part to completion, read by the final SELECT or not.
const consumeQuery = preparedPerDatabase((db: TwoFactorDb) => {
  const consumed = db.$with("consumed", { phoneE164: sql<string>`phone_e164`.as("phone_e164") }).as(sql`
    update ${smsChallenges} set attempts = attempts + 1, consumed_at = ${p("now")}::timestamptz
    where ${tryCanBeSpent(db)}
    returning phone_e164`);
  const succeeded = db.$with("succeeded", { id: sql<string>`id`.as("id") }).as(sql`
    update ${twoFactorUsers} set second_factor_failures = 0, last_second_factor_at = ${p("now")}::timestamptz
    where id = ${p("userId")} and exists (select 1 from consumed)
    returning id`);
  // Only when an event is asked for (auditType not null).
  const audited = db.$with("audited", { id: sql<string>`id`.as("id") }).as(sql`
    insert into ${twoFactorAuditEvents} (id, organization_id, actor_user_id, subject_user_id, type, created_at, ip, user_agent, details)
    select ${p("auditId")}::text, ${p("organizationId")}::text, ${p("userId")}::text, ${p("userId")}::text, ${p("auditType")}::text,
           ${p("now")}::timestamptz, ${p("ip")}::text, ${p("userAgent")}::text, ${p("details")}::jsonb
    from consumed where ${p("auditType")}::text is not null
    returning id`);
  return db.with(consumed, succeeded, audited).select({ phoneE164: consumed.phoneE164 }).from(consumed).prepare("consume_sms_challenge");
});

/** An event of the user about themself, recorded at the consumption's time. */
export type OwnAuditEvent = Pick<TwoFactorEventInput, "type" | "details" | "organizationId" | "request">;

/**
 * Consumes a challenge whose code matched, spending its try: one statement, conditional on the
 * challenge still being live with tries left and the user not locked, so a code is accepted once
 * however many submit it together. The run of failures ends with it, and `audit` (the user's own
 * event) is recorded with it.
 */
export async function consumeMatchedChallenge(
  db: TwoFactorDb,
  input: { challengeId: string; userId: string; now: Date; maxTries: number; audit: OwnAuditEvent | null },
): Promise<{ phoneE164: string } | null> {
  const { audit } = input;
  const [row] = await consumeQuery(db).execute({
    challengeId: input.challengeId,
    userId: input.userId,
    now: input.now.toISOString(),
    maxTries: input.maxTries,
    auditId: crypto.randomUUID(),
    auditType: audit?.type ?? null,
    organizationId: audit?.organizationId ?? null,
    ip: audit?.request?.ip ?? null,
    userAgent: audit?.request?.userAgent ?? null,
    details: JSON.stringify(audit?.details ?? {}),
  });
  return row ?? null;
}

const reserveWrongTryQuery = preparedPerDatabase((db: TwoFactorDb) =>
  db
    .update(smsChallenges)
    .set({ attempts: sql`${smsChallenges.attempts} + 1` })
    .where(tryCanBeSpent(db))
    .returning({ attempts: smsChallenges.attempts })
    .prepare("spend_sms_challenge_try"),
);

/** Spends a try of a challenge on a wrong code, under the same condition; null when none was left. */
export async function spendWrongTry(db: TwoFactorDb, input: { challengeId: string; userId: string; now: Date; maxTries: number }): Promise<{ attempts: number } | null> {
  const [row] = await reserveWrongTryQuery(db).execute({ ...input, now: input.now.toISOString() });
  return row ?? null;
}

/** Voids every code of the user not yet used: none works after a change of their second factor. */
export async function voidLiveCodes(db: TwoFactorDb, userId: string, now: Date): Promise<void> {
  await db
    .update(smsChallenges)
    .set({ voidedAt: now })
    .where(and(eq(smsChallenges.userId, userId), isNull(smsChallenges.consumedAt), isNull(smsChallenges.voidedAt)));
}
