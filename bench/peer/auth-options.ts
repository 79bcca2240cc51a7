import type { BetterAuthOptions } from "better-auth";
import { twoFactor } from "better-auth/plugins";
import type { Pool } from "pg";

/**
 * Email and password plus the twoFactor plugin with OTP, everything else as Better Auth 1.7.25
 * ships it. The defaults that matter for the bench (from the package's source):
 * - OTP (`otpOptions`): 6 digits, valid 3 minutes, stored in the `verification` table as
 *   "<code>:<attempts>" in plain text (`storeOTP: "plain"`), 5 attempts per code.
 * - The pending sign-in: the signed cookie `better-auth.two_factor` (10 minutes) naming a
 *   `verification` row "2fa-…" whose value is the user id; verification identifiers are stored
 *   as they are (`verification.storeIdentifier` unset), expired rows are swept at most once a minute.
 * - Account lockout (10 failed codes, 15 minutes) on the user's `twoFactor` row, when there is one.
 * - Sessions in the database, 7 days; no cookie cache (`session.cookieCache` is off by default
 *   when a database is configured), so no `session_data` cookie.
 * - The rate limiter: on in production, in memory, per client address and path, 100 requests
 *   per 10 s and 3 per 10 s on /two-factor/*; the address is a single-value `x-forwarded-for`.
 * - Passwords hashed with scrypt; telemetry off.
 */
export function authOptions(pool: Pool) {
  return {
    database: pool,
    secret: process.env.BETTER_AUTH_SECRET,
    baseURL: process.env.BETTER_AUTH_URL,
    emailAndPassword: { enabled: true },
    plugins: [
      twoFactor({
        otpOptions: {
          // The bench knows the codes it seeds: nothing is sent and nothing is kept.
          sendOTP: () => {},
        },
      }),
    ],
  } satisfies BetterAuthOptions;
}
