import { twoFactorCookies } from "../two-factor/cookies";
import { DEFAULT_TWO_FACTOR_OPTIONS, type TwoFactorOptions } from "../two-factor/options";
import { twoFactorPaths } from "../two-factor/paths";

/**
 * The portal's answer to the core's cookie and path options: the defaults, with cookies `Secure`
 * (and `__Host-`) in a production build only. Edge-safe: the middleware uses it. The NODE_ENV test
 * stays this literal expression so that Next.js inlines it in the middleware's bundle too.
 */
export const PORTAL_TWO_FACTOR_SETTINGS: Pick<TwoFactorOptions, "cookiePrefix" | "secureCookies" | "twoFactorPath" | "signInPath" | "setupDonePath" | "pendingSignInTtlMs" | "confirmationTtlMs"> = {
  cookiePrefix: DEFAULT_TWO_FACTOR_OPTIONS.cookiePrefix,
  secureCookies: process.env.NODE_ENV === "production",
  twoFactorPath: DEFAULT_TWO_FACTOR_OPTIONS.twoFactorPath,
  signInPath: DEFAULT_TWO_FACTOR_OPTIONS.signInPath,
  setupDonePath: DEFAULT_TWO_FACTOR_OPTIONS.setupDonePath,
  pendingSignInTtlMs: DEFAULT_TWO_FACTOR_OPTIONS.pendingSignInTtlMs,
  confirmationTtlMs: DEFAULT_TWO_FACTOR_OPTIONS.confirmationTtlMs,
};

export const portalCookies = twoFactorCookies(PORTAL_TWO_FACTOR_SETTINGS);
export const portalPaths = twoFactorPaths(PORTAL_TWO_FACTOR_SETTINGS);
