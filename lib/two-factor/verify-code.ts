import { and, desc, eq, gt, isNotNull, isNull, lt, notExists, sql } from "drizzle-orm";
import { recordAuditEvent, type AuditEventInput } from "../audit";
import { constantTimeEqual, sha256 } from "../crypto";
import type { Db } from "../db/client";
import { rowsOf } from "../db/rows";
import { auditEvents, memberships, smsChallenges, users, type ChallengePurpose } from "../db/schema";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordSecondFactorFailure, secondFactorLockedUntil } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { smsCodeHmac } from "./sms-code";

export type VerifyCodeFailure =
  | Failure<"INVALID_CODE"> & { triesLeft: number }
  | Failure<"NO_ACTIVE_CODE">
  | Failure<"LOCKED">;
export type VerifyCodeResult =
  | { ok: true; phoneE164: string; email: string; organizationId: string | null }
  | VerifyCodeFailure;

export interface VerifyCodeInput {
  userId: string;
  purpose: ChallengePurpose;
  attemptNonce: string;
  code: string;
  request: RequestInfo | null;
  /** An audit event to record with the consumption, in the same statement (the sign-in's success). */
  auditOnSuccess?: Pick<AuditEventInput, "type" | "details">;
}

/** The user (email, organization, lock) and the newest live challenge of this purpose and attempt, in one read. */
async function findLiveChallenge(db: Db, input: VerifyCodeInput, now: Date) {
  const newest = db
    .select({ id: smsChallenges.id, codeHmac: smsChallenges.codeHmac })
    .from(smsChallenges)
    .where(and(
      eq(smsChallenges.userId, input.userId),
      eq(smsChallenges.purpose, input.purpose),
      eq(smsChallenges.attemptHash, sha256(input.attemptNonce)),
      isNotNull(smsChallenges.sentAt),
      isNull(smsChallenges.consumedAt),
      isNull(smsChallenges.voidedAt),
      gt(smsChallenges.expiresAt, now),
    ))
    .orderBy(desc(smsChallenges.createdAt))
    .limit(1)
    .as("newest");
  const [row] = await db
    .select({
      email: users.email,
      lockedUntil: users.secondFactorLockedUntil,
      organizationId: memberships.organizationId,
      challengeId: newest.id,
      codeHmac: newest.codeHmac,
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(newest, sql`true`)
    .where(eq(users.id, input.userId))
    .limit(1);
  return row ?? null;
}
type LiveChallenge = NonNullable<Awaited<ReturnType<typeof findLiveChallenge>>>;

/** The challenge can still take a try: live, tries left, its user not locked. Both outcomes spend one through it. */
function tryCanBeSpent(db: Db, challengeId: string, userId: string, now: Date, maxTries: number) {
  return and(
    eq(smsChallenges.id, challengeId),
    eq(smsChallenges.userId, userId),
    isNull(smsChallenges.consumedAt),
    isNull(smsChallenges.voidedAt),
    gt(smsChallenges.expiresAt, now),
    lt(smsChallenges.attempts, maxTries),
    notExists(db.select({ id: users.id }).from(users).where(and(eq(users.id, userId), gt(users.secondFactorLockedUntil, now)))),
  );
}

/**
 * Consumes a challenge whose code matched, spending its try: one statement, conditional on the
 * challenge still being live with tries left and the user not locked, so a code is accepted once
 * however many submit it together. The run of failures ends with it, and `audit` is recorded with it.
 * (PostgreSQL runs every data-modifying WITH part to completion, read by the final SELECT or not.)
 */
async function consumeMatchedChallenge(
  db: Db,
  challengeId: string,
  input: VerifyCodeInput,
  options: { now: Date; maxTries: number; audit: AuditEventInput | null },
): Promise<{ phoneE164: string } | null> {
  const at = options.now.toISOString();
  const { audit } = options;
  const [row] = rowsOf<{ phoneE164: string }>(
    await db.execute(sql`
      with consumed as (
        update ${smsChallenges} set attempts = attempts + 1, consumed_at = ${at}::timestamptz
        where ${tryCanBeSpent(db, challengeId, input.userId, options.now, options.maxTries)}
        returning phone_e164
      ), succeeded as (
        update ${users} set second_factor_failures = 0, last_second_factor_at = ${at}::timestamptz
        where id = ${input.userId} and exists (select 1 from consumed)
        returning id
      )${audit ? sql`, audited as (
        insert into ${auditEvents} (id, organization_id, actor_user_id, subject_user_id, type, created_at, ip, user_agent, details)
        select ${crypto.randomUUID()}, ${audit.organizationId}, ${audit.actorUserId}, ${audit.subjectUserId ?? null}, ${audit.type},
               ${at}::timestamptz, ${audit.request?.ip ?? null}, ${audit.request?.userAgent ?? null}, ${JSON.stringify(audit.details ?? {})}::jsonb
        from consumed
        returning id
      )` : sql``}
      select phone_e164 as "phoneE164" from consumed`),
  );
  return row ?? null;
}

/** Spends a try on a wrong code (conditional, like the consumption), voids the code at the last one, counts the failure. */
async function recordWrongCode(
  db: Db,
  deps: TwoFactorDeps,
  input: VerifyCodeInput,
  live: { challengeId: string; organizationId: LiveChallenge["organizationId"] },
  now: Date,
): Promise<VerifyCodeFailure> {
  const { options } = deps;
  const [reserved] = await db
    .update(smsChallenges)
    .set({ attempts: sql`${smsChallenges.attempts} + 1` })
    .where(tryCanBeSpent(db, live.challengeId, input.userId, now, options.maxTriesPerCode))
    .returning({ attempts: smsChallenges.attempts });
  if (!reserved) return noUsableCode(db, input.userId, now);
  const triesLeft = Math.max(options.maxTriesPerCode - reserved.attempts, 0);
  if (triesLeft === 0) await db.update(smsChallenges).set({ voidedAt: now }).where(eq(smsChallenges.id, live.challengeId));
  const { lockedUntil } = await recordSecondFactorFailure(db, input.userId, now, options);
  const audit = { organizationId: live.organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: now };
  await recordAuditEvent(db, { ...audit, type: "two_factor.code_failed", details: { purpose: input.purpose, triesLeft } });
  if (lockedUntil) {
    await recordAuditEvent(db, { ...audit, type: "two_factor.locked", details: { until: lockedUntil.toISOString() } });
    return failure("LOCKED");
  }
  return { ...failure("INVALID_CODE"), triesLeft };
}

async function noUsableCode(db: Db, userId: string, now: Date): Promise<VerifyCodeFailure> {
  return (await secondFactorLockedUntil(db, userId, now)) ? failure("LOCKED") : failure("NO_ACTIVE_CODE");
}

/**
 * Checks a code against the newest live challenge of this user, purpose and sign-in attempt,
 * and consumes it. Run it inside the caller's transaction so that what the code unlocks
 * commits with the consumption, or not at all.
 *
 * The code is compared (in constant time) with the challenge read first, but the outcome only
 * counts through a conditional UPDATE that spends a try while tries are left: however many guesses
 * arrive together, at most `maxTriesPerCode` get an answer, and a right code is accepted once. A
 * guess past the limit is answered NO_ACTIVE_CODE whether it was right or wrong.
 */
export async function verifySmsCode(db: Db, deps: TwoFactorDeps, input: VerifyCodeInput): Promise<VerifyCodeResult> {
  const now = deps.clock.now();
  const live = await findLiveChallenge(db, input, now);
  if (!live) return failure("NO_ACTIVE_CODE");
  if (live.lockedUntil && live.lockedUntil > now) return failure("LOCKED");
  if (!live.challengeId || !live.codeHmac) return failure("NO_ACTIVE_CODE");
  if (!constantTimeEqual(live.codeHmac, smsCodeHmac(deps.codeKey, live.challengeId, input.code))) {
    return recordWrongCode(db, deps, input, { challengeId: live.challengeId, organizationId: live.organizationId }, now);
  }
  const audit = input.auditOnSuccess
    ? { ...input.auditOnSuccess, organizationId: live.organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: now }
    : null;
  const consumed = await consumeMatchedChallenge(db, live.challengeId, input, { now, maxTries: deps.options.maxTriesPerCode, audit });
  if (!consumed) return noUsableCode(db, input.userId, now);
  return { ok: true, phoneE164: consumed.phoneE164, email: live.email, organizationId: live.organizationId };
}
