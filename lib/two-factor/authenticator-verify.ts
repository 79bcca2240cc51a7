import { and, eq, isNotNull, sql } from "drizzle-orm";
import { preparedPerDatabase } from "../db/prepared";
import { failure, type Failure } from "../errors";
import type { RequestInfo } from "../http/client-ip";
import { recordTwoFactorEvent } from "./audit";
import { acceptableStep, matchingSteps, parseAuthenticatorCodeInput } from "./authenticator-code";
import { openAuthenticatorSecret } from "./authenticator-secret";
import type { OwnAuditEvent } from "./code-consumption";
import type { TwoFactorDb } from "./db";
import { lockedFailure, recordSecondFactorFailure, secondFactorLockedUntil, type LockedFailure } from "./lockout";
import type { TwoFactorDeps } from "./options";
import { authenticatorApps, twoFactorAuditEvents, twoFactorUsers } from "./schema";

export type AuthenticatorCodeFailure =
  /** Not 6 digits (spaces forgiven): refused before anything is read, so it counts no try. */
  | Failure<"INVALID_CODE_FORMAT">
  /** triesLeft: before the lock. */
  | (Failure<"INVALID_AUTHENTICATOR_CODE"> & { triesLeft: number })
  /** A right code of a step already accepted, or of an earlier one: refused without counting. */
  | Failure<"AUTHENTICATOR_CODE_USED">
  | Failure<"NO_AUTHENTICATOR_APP">
  | LockedFailure
  | Failure<"SIGN_IN_ENDED">;

export interface AuthenticatorCodeInput {
  userId: string;
  code: string;
  request: RequestInfo | null;
  /** What the code is for, in the failure's event. */
  purpose: "sign_in" | "confirm";
  organizationId: string | null;
  /** At sign-in: when the pending sign-in began; a code is refused once something ended it. */
  pendingSince?: number;
  /** An event to record with the acceptance, in the same statement (the sign-in's success). */
  auditOnSuccess?: Pick<OwnAuditEvent, "type" | "details">;
}

/** A code compared with the user's confirmed app: whether it is one of the app's codes, and the step it may be accepted for. */
export interface ComparedAuthenticatorCode {
  ok: true;
  matches: boolean;
  /** Null for a right code already used (its step, or a later one, was accepted before). */
  step: number | null;
  appId: string;
  email: string;
  organizationId: string | null;
  now: Date;
}

const p = sql.placeholder;

/** The user (email, lock, pending sign-ins' end) and their confirmed app, in one read. */
const confirmedAppQuery = preparedPerDatabase((db: TwoFactorDb) => {
  const app = db
    .select({ id: authenticatorApps.id, secretCiphertext: authenticatorApps.secretCiphertext, lastUsedStep: authenticatorApps.lastUsedStep })
    .from(authenticatorApps)
    .where(and(eq(authenticatorApps.userId, p("userId")), isNotNull(authenticatorApps.confirmedAt)))
    .limit(1)
    .as("app");
  return db
    .select({
      email: twoFactorUsers.email,
      lockedUntil: twoFactorUsers.secondFactorLockedUntil,
      pendingSignInsValidAfter: twoFactorUsers.pendingSignInsValidAfter,
      appId: app.id,
      secretCiphertext: app.secretCiphertext,
      lastUsedStep: app.lastUsedStep,
    })
    .from(twoFactorUsers)
    .leftJoin(app, sql`true`)
    .where(eq(twoFactorUsers.id, p("userId")))
    .limit(1)
    .prepare("find_authenticator_app");
});

/**
 * Reads the user's confirmed app and compares the code with its codes within one step of drift,
 * each in constant time. Only a read: the outcome counts through `spendAuthenticatorCode`.
 */
export async function checkAuthenticatorCode(db: TwoFactorDb, deps: TwoFactorDeps, input: AuthenticatorCodeInput): Promise<ComparedAuthenticatorCode | AuthenticatorCodeFailure> {
  const parsed = parseAuthenticatorCodeInput(input.code);
  if (!parsed.ok) return failure("INVALID_CODE_FORMAT");
  const now = deps.clock.now();
  const [row] = await confirmedAppQuery(db).execute({ userId: input.userId });
  if (!row) return input.pendingSince === undefined ? failure("NO_AUTHENTICATOR_APP") : failure("SIGN_IN_ENDED");
  const ended = row.pendingSignInsValidAfter;
  if (input.pendingSince !== undefined && ended && input.pendingSince < ended.getTime()) return failure("SIGN_IN_ENDED");
  if (row.lockedUntil && row.lockedUntil > now) return lockedFailure(row.lockedUntil, now);
  if (!row.appId || !row.secretCiphertext) return failure("NO_AUTHENTICATOR_APP");
  const secret = openAuthenticatorSecret(deps.authenticatorKey, input.userId, row.secretCiphertext);
  // Not the member's failure: the plugin's `secret` changed since the app was set up.
  if (!secret) throw new Error("an authenticator app secret does not open with the configured key");
  const matched = matchingSteps(secret, parsed.code, now);
  const lastUsedStep = row.lastUsedStep === null ? null : Number(row.lastUsedStep);
  return { ok: true, matches: matched.length > 0, step: acceptableStep(matched, lastUsedStep), appId: row.appId, email: row.email, organizationId: input.organizationId, now };
}

// PostgreSQL runs every data-modifying WITH part to completion, read by the final SELECT or not.
const acceptStepQuery = preparedPerDatabase((db: TwoFactorDb) => {
  const accepted = db.$with("accepted", { id: sql<string>`id`.as("id") }).as(sql`
    update ${authenticatorApps} set last_used_step = ${p("step")}::bigint, last_used_at = ${p("now")}::timestamptz
    where id = ${p("appId")} and user_id = ${p("userId")} and confirmed_at is not null
      and (last_used_step is null or last_used_step < ${p("step")}::bigint)
      and not exists (select 1 from ${twoFactorUsers} where id = ${p("userId")} and second_factor_locked_until > ${p("now")}::timestamptz)
    returning id`);
  const succeeded = db.$with("succeeded", { id: sql<string>`id`.as("id") }).as(sql`
    update ${twoFactorUsers} set second_factor_failures = 0, last_second_factor_at = ${p("now")}::timestamptz
    where id = ${p("userId")} and exists (select 1 from accepted)
    returning id`);
  const audited = db.$with("audited", { id: sql<string>`id`.as("id") }).as(sql`
    insert into ${twoFactorAuditEvents} (id, organization_id, actor_user_id, subject_user_id, type, created_at, ip, user_agent, details)
    select ${p("auditId")}::text, ${p("organizationId")}::text, ${p("userId")}::text, ${p("userId")}::text, ${p("auditType")}::text,
           ${p("now")}::timestamptz, ${p("ip")}::text, ${p("userAgent")}::text, ${p("details")}::jsonb
    from accepted where ${p("auditType")}::text is not null
    returning id`);
  return db.with(accepted, succeeded, audited).select({ id: accepted.id }).from(accepted).prepare("accept_authenticator_step");
});

export type SpentAuthenticatorCode = { ok: true; email: string; organizationId: string | null } | AuthenticatorCodeFailure;

/**
 * The outcome of a checked code. A right code is accepted only through one conditional UPDATE
 * (`last_used_step < step`, the user not locked): however many submit it together, it is accepted
 * once, and the others are answered AUTHENTICATOR_CODE_USED. A right code already used is refused
 * without counting (a double submit is no guess); a wrong one counts toward the lock. A right code
 * is one statement (alone or in the transaction of what it unlocks); a wrong one several, to run
 * in a transaction.
 */
export async function spendAuthenticatorCode(
  db: TwoFactorDb,
  deps: TwoFactorDeps,
  input: AuthenticatorCodeInput,
  checked: ComparedAuthenticatorCode,
): Promise<SpentAuthenticatorCode> {
  const { now, email, organizationId } = checked;
  if (!checked.matches) return recordWrongAuthenticatorCode(db, deps, input, checked);
  if (checked.step === null) return failure("AUTHENTICATOR_CODE_USED");
  const audit = input.auditOnSuccess ?? null;
  const [accepted] = await acceptStepQuery(db).execute({
    appId: checked.appId,
    userId: input.userId,
    step: checked.step,
    now: now.toISOString(),
    auditId: crypto.randomUUID(),
    auditType: audit?.type ?? null,
    organizationId,
    ip: input.request?.ip ?? null,
    userAgent: input.request?.userAgent ?? null,
    details: JSON.stringify(audit?.details ?? {}),
  });
  if (accepted) return { ok: true, email, organizationId };
  const lockedUntil = await secondFactorLockedUntil(db, input.userId, now);
  return lockedUntil ? lockedFailure(lockedUntil, now) : failure("AUTHENTICATOR_CODE_USED");
}

/**
 * A wrong code: the user's row is locked first, so the lock check and the count happen one try
 * at a time per user; a try that lands while locked is answered LOCKED and counts nothing.
 */
async function recordWrongAuthenticatorCode(db: TwoFactorDb, deps: TwoFactorDeps, input: AuthenticatorCodeInput, checked: ComparedAuthenticatorCode): Promise<AuthenticatorCodeFailure> {
  const { now } = checked;
  const [user] = await db.select({ lockedUntil: twoFactorUsers.secondFactorLockedUntil }).from(twoFactorUsers).where(eq(twoFactorUsers.id, input.userId)).for("update");
  if (user?.lockedUntil && user.lockedUntil > now) return lockedFailure(user.lockedUntil, now);
  const { lockedUntil, triesLeft } = await recordSecondFactorFailure(db, input.userId, now, deps.options);
  const audit = { organizationId: checked.organizationId, actorUserId: input.userId, subjectUserId: input.userId, request: input.request, at: now };
  await recordTwoFactorEvent(db, { ...audit, type: "two_factor.authenticator_code_failed", details: { purpose: input.purpose, triesLeft } });
  if (!lockedUntil) return { ...failure("INVALID_AUTHENTICATOR_CODE"), triesLeft };
  await recordTwoFactorEvent(db, { ...audit, type: "two_factor.locked", details: { until: lockedUntil.toISOString() } });
  return lockedFailure(lockedUntil, now, checked.email);
}

/** Checks a code and spends it, both on `db`: run it in the caller's transaction, with what the code unlocks. */
export async function verifyAuthenticatorCode(db: TwoFactorDb, deps: TwoFactorDeps, input: AuthenticatorCodeInput): Promise<SpentAuthenticatorCode> {
  const checked = await checkAuthenticatorCode(db, deps, input);
  if (!checked.ok) return checked;
  return spendAuthenticatorCode(db, deps, input, checked);
}
