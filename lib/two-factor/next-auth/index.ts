// The plugin's next-auth part: import it only where next-auth is (a host's auth configuration).
export { withTwoFactor, firstFactorOfAccount, type WithTwoFactorOptions } from "./with-two-factor";
export { linkedUserOf, type LinkRefusal, type LinkedUser } from "./account-link";
export { nextAuthSessions, type NextAuthSessionClaims, type NextAuthSessionSettings } from "./sessions";
