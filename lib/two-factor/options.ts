import type { Clock } from "../clock";
import type { SmsSender } from "../sms/sender";
import type { TwoFactorDb } from "./db";
import type { TwoFactorHost } from "./host";

/** The security numbers of DESIGN.md; every one can be set by a mounting app. */
export interface TwoFactorOptions {
  /** Product name at the start of each SMS. @default "Connect" */
  appName: string;
  /** Host for the WebOTP line (`@host #code`); null leaves the line out. @default null */
  webOtpHost: string | null;
  /** @default 300_000 (5 minutes) */
  codeTtlMs: number;
  /** Wrong tries one code takes before it is void (an authenticator app's setup: before it is void). @default 5 */
  maxTriesPerCode: number;
  /** Consecutive second-factor failures (SMS, authenticator and backup codes together) that lock. @default 10 */
  lockoutThreshold: number;
  /** @default 900_000 (15 minutes) */
  lockoutMs: number;
  /** @default 30_000 (30 seconds between codes) */
  resendIntervalMs: number;
  /** Codes sent to one account per hour. @default 5 */
  maxCodesPerAccountPerHour: number;
  /** Codes sent to one phone number per day. @default 10 */
  maxCodesPerPhonePerDay: number;
  /** @default 10 */
  backupCodeCount: number;
  /** How long an authenticator app's setup waits for its first code (scanning the QR code included). @default 600_000 (10 minutes) */
  authenticatorSetupTtlMs: number;
  /** @default 2_592_000_000 (30 days) */
  trustedDeviceTtlMs: number;
  /** @default 10 */
  maxTrustedDevicesPerUser: number;
  /** ISO country codes a code may be texted to; null allows all. @default null */
  allowedCountries: string[] | null;
  /** Codes texted by the whole installation per 24 hours (SMS pumping cap); null = no cap. @default 10_000 */
  maxSmsPerDay: number | null;
  /** Start of every cookie's name (`<prefix>-pending`, `<prefix>-device`, ...). @default "c2fa" */
  cookiePrefix: string;
  /**
   * The site is served over HTTPS: cookies are `Secure` and named `__Host-<prefix>-...`. Only a
   * development server on plain http sets it false (the portal: outside a production build).
   * @default true
   */
  secureCookies: boolean;
  /** Where the two-factor pages live (`<path>/setup`, `<path>/challenge`). @default "/two-factor" */
  twoFactorPath: string;
  /** The host's sign-in page, where an ended or expired sign-in goes. @default "/sign-in" */
  signInPath: string;
  /** Where a sign-in goes once setup is done and the backup codes are stored. @default "/two-step-enabled" */
  setupDonePath: string;
  /** The host's Security page (the member's own second factor); its steps send the browser back to it. @default "/security" */
  securityPath: string;
  /** The host's page where owners and admins manage their members' second factors; a member step returns under it. @default "/account-settings" */
  adminPath: string;
  /** The host's "Confirm it's you" page, where a step that needs a recent second factor sends the browser (`?next=`). @default "/confirm" */
  confirmPath: string;
  /** How long a sign-in may wait between the password and the second factor (its cookie's life). @default 600_000 (10 minutes) */
  pendingSignInTtlMs: number;
  /** How long "Confirm it's you" (or a sign-in with the second factor) counts as recent. @default 600_000 (10 minutes) */
  confirmationTtlMs: number;
  /**
   * Passkeys' relying party id (WebAuthn's RP ID): the site's domain, such as "connect.example.com"
   * ("localhost" in development). A passkey works only on the domain it was made for. Null: passkeys
   * are not offered (their steps answer PASSKEYS_UNAVAILABLE). @default null
   */
  passkeyRpId: string | null;
  /** The name a browser shows when it asks to make a passkey; null: `appName`. @default null */
  passkeyRpName: string | null;
  /**
   * The origins a passkey's answer may come from (scheme, host and port, such as
   * "https://connect.example.com"): each must be the RP id or under it. @default []
   */
  passkeyOrigins: string[];
  /** How long a passkey request (its challenge) can be answered. @default 300_000 (5 minutes) */
  passkeyChallengeTtlMs: number;
}

export const DEFAULT_TWO_FACTOR_OPTIONS: TwoFactorOptions = {
  appName: "Connect",
  webOtpHost: null,
  codeTtlMs: 5 * 60_000,
  maxTriesPerCode: 5,
  lockoutThreshold: 10,
  lockoutMs: 15 * 60_000,
  resendIntervalMs: 30_000,
  maxCodesPerAccountPerHour: 5,
  maxCodesPerPhonePerDay: 10,
  backupCodeCount: 10,
  authenticatorSetupTtlMs: 10 * 60_000,
  trustedDeviceTtlMs: 30 * 24 * 3_600_000,
  maxTrustedDevicesPerUser: 10,
  allowedCountries: null,
  maxSmsPerDay: 10_000,
  cookiePrefix: "c2fa",
  secureCookies: true,
  twoFactorPath: "/two-factor",
  signInPath: "/sign-in",
  setupDonePath: "/two-step-enabled",
  securityPath: "/security",
  adminPath: "/account-settings",
  confirmPath: "/confirm",
  pendingSignInTtlMs: 10 * 60_000,
  confirmationTtlMs: 10 * 60_000,
  passkeyRpId: null,
  passkeyRpName: null,
  passkeyOrigins: [],
  passkeyChallengeTtlMs: 5 * 60_000,
};

/** What the core is given: tests inject a clock, a fake sender and a fresh database. */
export interface TwoFactorDeps {
  db: TwoFactorDb;
  clock: Clock;
  sms: SmsSender;
  /** HMAC key for SMS codes at rest (>= 32 bytes of secret). */
  codeKey: string;
  /** AES-256-GCM key for authenticator app secrets at rest (`authenticatorSecretKey(secret)`). */
  authenticatorKey: Buffer;
  options: TwoFactorOptions;
  /** The host's answers: its organizations' policy and roles, and the end of its sessions. */
  host: TwoFactorHost;
}

export function twoFactorOptions(overrides: Partial<TwoFactorOptions> = {}): TwoFactorOptions {
  return { ...DEFAULT_TWO_FACTOR_OPTIONS, ...overrides };
}
