import { systemClock, type Clock } from "../clock";
import { hmacSha256 } from "../crypto";
import { authenticatorSecretKey } from "./authenticator-secret";
import type { EmailSender } from "../email/sender";
import type { SmsSender } from "../sms/sender";
import { twoFactorCookies, type CookieInstruction, type CookieReader } from "./cookies";
import { checkPendingSignIn, type PendingSignInCheck } from "./pending-check";
import type { PendingSignIn } from "./pending-sign-in";
import type { TwoFactorDb } from "./db";
import type { FlowAnswer, TwoFactorFlowDeps } from "./flow";
import { continueHandedOffSignIn, type ContinueInput } from "./first-factor";
import type { TwoFactorHost } from "./host";
import { DEFAULT_TWO_FACTOR_OPTIONS, type TwoFactorOptions } from "./options";
import { twoFactorHandler, type StepErrorReporter } from "./handler";
import { passkeyOptionsProblem } from "./passkey-relying-party";
import { twoFactorPaths } from "./paths";
import { twoFactorChecks, type GetSession } from "./session";
import type { SessionGrant } from "./sign-in-ticket";
import { sweepTwoFactorTables, type TwoFactorSweepCounts } from "./sweep";
import { TWO_FACTOR_STEPS, type StepAnswer, type StepHost, type StepInput, type TwoFactorStepName } from "./steps";

/**
 * What a host gives `createTwoFactor`: every security number, path and cookie setting of
 * `TwoFactorOptions` (each with its `@default`), and the parts only the host has. The plugin reads
 * no environment variable: the host reads its own and passes them here.
 */
export interface TwoFactorConfig<D extends TwoFactorDb = TwoFactorDb> extends Partial<TwoFactorOptions> {
  /**
   * The database the plugin's tables live in (drizzle over node-postgres or PGlite, with the host's
   * own schema); asked once per step.
   */
  database: () => D | Promise<D>;
  /**
   * What only the host knows, asked by the steps (each answer given the step's database or
   * transaction): the organization policy of a user (`organizationPolicy`), a user's role in an
   * organization (`roleIn`, for the member administration steps) and the end of a user's sessions
   * (`endSessions`, in an admin's reset). See `TwoFactorHost` (./host.ts).
   */
  host: TwoFactorHost;
  /** The SMS transport (lib/sms: Vonage, the dev outbox, or the host's own). */
  sms: SmsSender;
  /** The member notices' transport (a trusted device, a backup code used, a lock, setup done). */
  email: EmailSender;
  /**
   * Keys the codes kept at rest (HMAC) and, through HKDF with its own info string, the AES-256-GCM
   * key of the authenticator apps' secrets (changing it makes every app set up again). At least 32
   * characters of secret.
   */
  secret: string;
  /** Seals the pending sign-in cookie (iron). At least 32 characters of secret. */
  sessionPassword: string;
  /**
   * The host's session strategy: the cookies that start a session once the second factor is done.
   * The plugin never knows the session's format.
   */
  startSession(grant: SessionGrant, now: Date): Promise<CookieInstruction[]>;
  /**
   * The host's session strategy again: who is signed in, from the request's cookies, or null. Only
   * a live session whose sign-in is complete (the second factor done when it was due) is an
   * answer: the signed-in steps and `checks` trust it. `role`: in the user's organization.
   */
  getSession: GetSession;
  /**
   * "Confirm it's you" also asks for the password when given: whether the signed-in user's password
   * is right (the host counts its own failures). @default undefined: the second factor alone
   */
  checkPassword?: StepHost["checkPassword"];
  /** A step failed unexpectedly (the route handler answers 503): say it in the host's log. @default undefined: not said */
  onError?: StepErrorReporter;
  /** The clock every step reads. @default the system clock */
  clock?: Clock;
  /** Runs a notice after the answer is sent (Next.js: `after`). @default undefined: notices are sent before the answer */
  defer?: (task: () => Promise<void>) => void;
}

/** A configuration mistake, said when the plugin is created rather than at a member's first sign-in. */
export class TwoFactorConfigError extends Error {
  override name = "TwoFactorConfigError";
}

const MIN_SECRET_LENGTH = 32;

function optionsOf(config: TwoFactorConfig): TwoFactorOptions {
  const options = { ...DEFAULT_TWO_FACTOR_OPTIONS };
  for (const key of Object.keys(DEFAULT_TWO_FACTOR_OPTIONS) as (keyof TwoFactorOptions)[]) {
    if (config[key] !== undefined) (options as Record<string, unknown>)[key] = config[key];
  }
  return options;
}

function checked(config: TwoFactorConfig): TwoFactorOptions {
  if (config.secret.length < MIN_SECRET_LENGTH) throw new TwoFactorConfigError(`secret must be at least ${MIN_SECRET_LENGTH} characters`);
  if (config.sessionPassword.length < MIN_SECRET_LENGTH) throw new TwoFactorConfigError(`sessionPassword must be at least ${MIN_SECRET_LENGTH} characters`);
  const options = optionsOf(config);
  for (const key of ["twoFactorPath", "signInPath", "setupDonePath", "securityPath", "adminPath", "confirmPath"] as const) {
    if (!/^\/[A-Za-z0-9/_-]*$/.test(options[key]) || options[key].includes("//")) throw new TwoFactorConfigError(`${key} must be a path from the root, such as "/two-factor"`);
  }
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(options.cookiePrefix)) throw new TwoFactorConfigError("cookiePrefix must be 1 to 32 letters, digits, '-' or '_'");
  const passkeyProblem = passkeyOptionsProblem(options);
  if (passkeyProblem) throw new TwoFactorConfigError(passkeyProblem);
  return options;
}

/**
 * The plugin's one entry point: the resolved options, the flow's cookies and paths, the route
 * handler of its posting steps (and each step for a host's server actions), the server-side
 * checks, and the deps each step of the core takes. Create it once per process; `deps` is cheap
 * per request.
 */
export function createTwoFactor<D extends TwoFactorDb = TwoFactorDb>(config: TwoFactorConfig<D>) {
  const options = checked(config);
  const codeKey = hmacSha256(config.secret, "connect-2fa/sms-code-key");
  const authenticatorKey = authenticatorSecretKey(config.secret);
  const clock = config.clock ?? systemClock;
  const cookies = twoFactorCookies(options);
  const host: StepHost = { getSession: config.getSession, checkPassword: config.checkPassword };
  /**
   * What the core's steps take, for one request. `host`: the request's host, used for the WebOTP
   * line (`@host #code`) when the `webOtpHost` option is not set.
   */
  async function deps(request: { host?: string | null } = {}): Promise<TwoFactorFlowDeps & { db: D }> {
    const webOtpHost = options.webOtpHost ?? (request.host ? request.host.replace(/:\d+$/, "") : null);
    return {
      db: await config.database(),
      host: config.host,
      clock,
      sms: config.sms,
      codeKey,
      authenticatorKey,
      options: webOtpHost === options.webOtpHost ? options : { ...options, webOtpHost },
      startSession: config.startSession,
      email: config.email,
      defer: config.defer,
      sessionPassword: config.sessionPassword,
    };
  }
  return {
    options,
    cookies,
    paths: twoFactorPaths(options),
    deps,
    /** POST of the route the host mounts (e.g. app/api/two-factor/[...step]/route.ts): every posting step, by the URL's last two segments. */
    handler: twoFactorHandler({ deps, host, onError: config.onError }),
    /**
     * One step as a host's server action runs it (forms without JavaScript): the same answer the
     * handler sends, for the action to apply (its cookies, then its redirect).
     */
    async runStep(step: TwoFactorStepName, input: Omit<StepInput, "deps" | "host"> & { requestHost: string | null }): Promise<StepAnswer> {
      const { requestHost, ...rest } = input;
      return TWO_FACTOR_STEPS[step]({ ...rest, deps: await deps({ host: requestHost }), host });
    },
    /**
     * The continue step as a host's server action runs it (a password form posting to next-auth's
     * Credentials provider, whose answer is the continue URL: a client-side router cannot follow a
     * redirect to a route handler). The same decision the handler's GET makes, for the action to apply.
     */
    async continueSignIn(input: Omit<ContinueInput, "request"> & { request: StepInput["request"]; requestHost: string | null }): Promise<FlowAnswer> {
      const { requestHost, ...rest } = input;
      return continueHandedOffSignIn(await deps({ host: requestHost }), rest);
    },
    /** The server-side checks for the host's pages, actions and routes: values, never redirects. */
    checks: {
      ...twoFactorChecks({ getSession: config.getSession, cookies, sessionPassword: config.sessionPassword, confirmationTtlMs: options.confirmationTtlMs, now: () => clock.now() }),
      /** For the two-factor pages: the pending sign-in of this stage if it still stands, else where the browser goes. */
      pendingSignIn: async (jar: CookieReader, stage: PendingSignIn["stage"]): Promise<PendingSignInCheck> => checkPendingSignIn(await deps(), jar, stage),
    },
    /** Deletes the plugin's expired rows (a scheduled job calls it; see ./sweep.ts): how many, per table. */
    sweep: async (batchSize?: number): Promise<TwoFactorSweepCounts> => sweepTwoFactorTables({ db: await config.database(), clock, options }, batchSize),
  };
}

/** The plugin made by `createTwoFactor`; `D` is the host's database type, which `deps().db` keeps. */
export type TwoFactor<D extends TwoFactorDb = TwoFactorDb> = ReturnType<typeof createTwoFactor<D>>;
export type { TwoFactorOptions } from "./options";
export type { CookieInstruction } from "./cookies";
export type { SessionGrant } from "./sign-in-ticket";
export type { PendingSignIn } from "./pending-sign-in";
export type { PendingSignInCheck } from "./pending-check";
export type { TwoFactorDb } from "./db";
export { NO_ORGANIZATION, type AllowedMethods, type OrganizationPolicy, type OrganizationRole, type TwoFactorHost } from "./host";
export { organizationAdminOf, type AdminCheck, type AdminSession, type GetSession, type SessionCookies, type TwoFactorSession } from "./session";
export type { StepAnswer, TwoFactorStepName } from "./steps";
export { TWO_FACTOR_STEPS } from "./steps";

// The core's steps a host's edges call with `await twoFactor.deps(...)`. A host imports the plugin
// from here (server), "./client" (client components) or "./cookies" (the middleware) only.
export * from "./client";
export { formatPhoneInternational, maskPhone, PHONE_EXAMPLE, PHONE_FORMAT_RULE } from "./phone-number";
export { completeSignInChallenge, type ChallengeMethod } from "./challenge-completion";
export { CONFIRMATION_TTL_MS, confirmationLockedUntil, confirmationStatus, confirmSecondFactor, confirmSecondFactorAndNotify, sendConfirmationCode } from "./confirm";
export { authenticatorCodeField, backupCodeField, checkboxField, phoneField, smsCodeField } from "./fields";
// Authenticator apps (TOTP, issue 18). Begin a setup
// (the secret as text, its otpauth:// URI and QR code), confirm it with a first code, sign in with
// a code (amr "otp"), remove the app; codes count toward the same lock as SMS and backup codes.
export { beginAuthenticatorSetup, confirmAuthenticatorSetup, loadAuthenticatorApp, removeAuthenticatorApp, type AuthenticatorSetupCompletion, type AuthenticatorSetupStart } from "./authenticator-app";
export { completeWithAuthenticatorCode, type AuthenticatorCompletion } from "./authenticator-sign-in";
export { verifyAuthenticatorCode, type AuthenticatorCodeFailure } from "./authenticator-verify";
export { authenticatorSecretKey } from "./authenticator-secret";
// The method picker (issue 18): the methods in order (the preferred one first), "Make preferred",
// removing SMS, and the one rule every removal runs (never the last method).
export { challengeMethods, type ChallengeMethodName } from "./methods";
export { loadStateForRemoval, methodsWithout, refuseRemovingLastMethod, type MethodRemovalRefusal } from "./method-removal";
export { makePreferredMethod } from "./preferred-method";
export { removePhone, type PhoneRemoval } from "./phone-removal";
export { mayActOn, resetMemberTwoFactor, revokeMemberTrustedDevices, type Actor } from "./member-admin";
export { browserName } from "./browser-name";
export { notifyMemberOf, twoFactorNoticeEmail, type TwoFactorNotice } from "./notices";
export { TWO_FACTOR_EVENT_TYPES, type TwoFactorEventType } from "./audit";
export { messageContext } from "./messages";
export { twoFactorPageStatus } from "./page-status";
export { stagePath } from "./paths";
export { twoFactorGate, type GateCookies, type GateDecision, type GateSettings } from "./gate";
export { loadSecondFactorState } from "./policy";
export { regenerateBackupCodes, revokeOwnTrustedDevice, turnOffTwoFactor } from "./self-service";
export { completePhoneSetup, selfSetupNonce, sendSetupCode } from "./setup";
export { finishSignInSetup, verifyPhoneForSignIn } from "./setup-completion";
// An organization's "secure methods only" (issue 18): what an SMS code may do now, and the
// secure_setup stage where a held member adds an authenticator app before the session.
export { smsVerdictOf, type SmsVerdict } from "./sms-acceptance";
export { beginSecureSetup, confirmSecureSetup, finishSecureSetup } from "./secure-setup";
export { continueAfterPassword, resendSignInCode } from "./sign-in";
export { smsChallengeRetentionMs, sweepTwoFactorTables, type TwoFactorSweepCounts } from "./sweep";
// The schema fragment a host spreads into its own drizzle schema (its migrations then make the tables).
export { authenticatorApps, backupCodes, CHALLENGE_PURPOSES, passkeyChallenges, passkeys, PREFERRED_SECOND_FACTORS, signInTickets, smsChallenges, trustedDevices, twoFactorAuditEventColumns, twoFactorSessionColumns, twoFactorUserColumns, type ChallengePurpose, type Passkey, type PreferredSecondFactor } from "./schema";
