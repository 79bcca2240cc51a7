import { and, count, desc, eq, gt, isNotNull, isNull, min, ne, sql } from "drizzle-orm";
import { recordTwoFactorEvent } from "./audit";
import { sha256 } from "../crypto";
import type { TwoFactorDb } from "./db";
import { rowsOf } from "../db/rows";
import { smsChallenges, type ChallengePurpose } from "./schema";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { lockedFailure, type LockedFailure } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { maskPhone, phoneCountry } from "./phone-number";
import { generateSmsCode, smsCodeHmac, smsCodeText } from "./sms-code";

export type SendCodeFailure =
  | Failure<"RESEND_TOO_SOON" | "ACCOUNT_SMS_LIMIT" | "PHONE_SMS_LIMIT" | "DAILY_SMS_CAP" | "COUNTRY_NOT_ALLOWED" | "SMS_FAILED">
  | LockedFailure;
export type SendCodeResult = { ok: true; challengeId: string; phoneMasked: string; resendAt: Date } | SendCodeFailure;

/** The window of "codes per account per hour". */
export const ACCOUNT_CODE_WINDOW_MS = 3_600_000;
/** The window of "codes per phone per day" and of the installation's daily cap. */
export const PHONE_CODE_WINDOW_MS = 86_400_000;

export interface SendCodeInput {
  userId: string;
  organizationId: string | null;
  purpose: ChallengePurpose;
  /** The pending sign-in's nonce: the code only works for this attempt. */
  attemptNonce: string;
  phoneE164: string;
  request: RequestInfo | null;
}

/**
 * Texts a new code. The row is reserved (and the limits checked) under a lock first, so
 * concurrent resends give at most one code; it counts as sent only once the SMS provider
 * accepted it, and only then does it void the older codes.
 */
export async function sendSmsCode(deps: TwoFactorDeps, input: SendCodeInput): Promise<SendCodeResult> {
  const { db, clock, options } = deps;
  const now = clock.now();
  const country = phoneCountry(input.phoneE164);
  if (options.allowedCountries && (!country || !options.allowedCountries.includes(country))) {
    return failure("COUNTRY_NOT_ALLOWED");
  }
  const attemptHash = sha256(input.attemptNonce);
  const reserved = await db.transaction(async (tx) => reserveChallenge(tx, deps, input, attemptHash, now));
  if (!reserved.ok) return reserved;

  const { id, code } = reserved;
  const text = smsCodeText({
    appName: options.appName,
    code,
    codeTtlMs: options.codeTtlMs,
    webOtpHost: options.webOtpHost,
  });
  const sent = await deps.sms.send({ to: input.phoneE164, text }).catch((error: unknown) => ({
    ok: false as const,
    reason: "unavailable" as const,
    detail: error instanceof Error ? error.name : "error",
  }));
  const audit = { organizationId: input.organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request };
  if (!sent.ok) {
    await db.delete(smsChallenges).where(eq(smsChallenges.id, id));
    await recordTwoFactorEvent(db, {
      ...audit,
      type: "two_factor.code_send_failed",
      details: { purpose: input.purpose, phone: maskPhone(input.phoneE164), reason: sent.reason, detail: sent.detail },
      at: clock.now(),
    });
    return failure("SMS_FAILED");
  }
  await db.transaction(async (tx) => {
    // Same lock as the reservation: two deliveries finishing together take turns (no deadlock),
    // and only codes already delivered are voided, so the last delivery wins.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`user:${input.userId}`}))`);
    await tx.update(smsChallenges).set({ sentAt: clock.now() }).where(eq(smsChallenges.id, id));
    await tx
      .update(smsChallenges)
      .set({ voidedAt: clock.now() })
      .where(
        and(
          eq(smsChallenges.userId, input.userId),
          eq(smsChallenges.purpose, input.purpose),
          ne(smsChallenges.id, id),
          isNotNull(smsChallenges.sentAt),
          isNull(smsChallenges.consumedAt),
          isNull(smsChallenges.voidedAt),
        ),
      );
    await recordTwoFactorEvent(tx, {
      ...audit,
      type: "two_factor.code_sent",
      details: { purpose: input.purpose, phone: maskPhone(input.phoneE164) },
      at: clock.now(),
    });
  });
  return { ok: true, challengeId: id, phoneMasked: maskPhone(input.phoneE164), resendAt: new Date(now.getTime() + options.resendIntervalMs) };
}

async function reserveChallenge(db: TwoFactorDb, deps: TwoFactorDeps, input: SendCodeInput, attemptHash: string, now: Date) {
  const { options } = deps;
  // One sender at a time per account and per phone number.
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`user:${input.userId}`}))`);
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`phone:${input.phoneE164}`}))`);
  const locked = await db.execute(
    sql`select second_factor_locked_until as until from users where id = ${input.userId} and second_factor_locked_until > ${now.toISOString()}`,
  );
  const lockedUntil = rowsOf<{ until: string | Date }>(locked)[0]?.until;
  if (lockedUntil) return lockedFailure(new Date(lockedUntil), now);

  const [last] = await db
    .select({ createdAt: smsChallenges.createdAt })
    .from(smsChallenges)
    .where(and(eq(smsChallenges.userId, input.userId), eq(smsChallenges.attemptHash, attemptHash)))
    .orderBy(desc(smsChallenges.createdAt))
    .limit(1);
  if (last && now.getTime() - last.createdAt.getTime() < options.resendIntervalMs) {
    return failure("RESEND_TOO_SOON", { retryAfterMs: last.createdAt.getTime() + options.resendIntervalMs - now.getTime() });
  }
  const hourAgo = new Date(now.getTime() - ACCOUNT_CODE_WINDOW_MS);
  // Each limit's answer says when it lifts: when its oldest code in the window leaves the window.
  const liftsAfter = (oldest: Date | string | null | undefined, windowMs: number) =>
    oldest ? { retryAfterMs: Math.max(new Date(oldest).getTime() + windowMs - now.getTime(), 0) } : {};
  const [perAccount] = await db
    .select({ n: count(), oldest: min(smsChallenges.createdAt) })
    .from(smsChallenges)
    .where(and(eq(smsChallenges.userId, input.userId), gt(smsChallenges.createdAt, hourAgo)));
  if ((perAccount?.n ?? 0) >= options.maxCodesPerAccountPerHour) return failure("ACCOUNT_SMS_LIMIT", liftsAfter(perAccount?.oldest, ACCOUNT_CODE_WINDOW_MS));
  const dayAgo = new Date(now.getTime() - PHONE_CODE_WINDOW_MS);
  const [perPhone] = await db
    .select({ n: count(), oldest: min(smsChallenges.createdAt) })
    .from(smsChallenges)
    .where(and(eq(smsChallenges.phoneE164, input.phoneE164), gt(smsChallenges.createdAt, dayAgo)));
  if ((perPhone?.n ?? 0) >= options.maxCodesPerPhonePerDay) return failure("PHONE_SMS_LIMIT", liftsAfter(perPhone?.oldest, PHONE_CODE_WINDOW_MS));
  if (options.maxSmsPerDay !== null) {
    // Serializes the count-then-insert of every sender, so concurrent sends cannot overshoot the cap.
    await db.execute(sql`select pg_advisory_xact_lock(hashtext('sms:daily-cap'))`);
    const [all] = await db.select({ n: count(), oldest: min(smsChallenges.createdAt) }).from(smsChallenges).where(gt(smsChallenges.createdAt, dayAgo));
    if ((all?.n ?? 0) >= options.maxSmsPerDay) return failure("DAILY_SMS_CAP", liftsAfter(all?.oldest, PHONE_CODE_WINDOW_MS));
  }

  const id = crypto.randomUUID();
  const code = generateSmsCode();
  await db.insert(smsChallenges).values({
    id,
    userId: input.userId,
    purpose: input.purpose,
    attemptHash,
    phoneE164: input.phoneE164,
    codeHmac: smsCodeHmac(deps.codeKey, id, code),
    createdAt: now,
    expiresAt: new Date(now.getTime() + options.codeTtlMs),
  });
  return { ok: true as const, id, code };
}
