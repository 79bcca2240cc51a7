// Edge-safe: the pending sign-in (read by the middleware) names its first factor.

/**
 * How the user proved who they are before the second factor: a password (RFC 8176 "pwd"), an
 * OpenID Connect or OAuth provider, or a link sent to their email address.
 */
export type FirstFactor = "pwd" | "oidc" | "oauth" | "email_link";
export const FIRST_FACTORS: readonly FirstFactor[] = ["pwd", "oidc", "oauth", "email_link"];

/** Whether a value (a cookie's, a ticket's first method) names one of the first factors. */
export const isFirstFactor = (value: unknown): value is FirstFactor => FIRST_FACTORS.includes(value as FirstFactor);

/**
 * Authentication methods, as RFC 8176's amr (with the first factors above beside "pwd"): "otp" is
 * an authenticator app's code (RFC 8176's one-time password); "hwk" a passkey kept on one device
 * (a security key: proof of possession of a hardware-secured key) and "swk" a synced passkey (a
 * software-secured key, copied between the member's devices), as WebAuthn's credential device type says.
 */
export type AuthMethod = FirstFactor | "sms" | "otp" | "hwk" | "swk" | "backup_code" | "trusted_device";

/** The second factors a session's amr may name: any of them makes the sign-in's second factor recent. */
export const SECOND_FACTOR_METHODS: readonly AuthMethod[] = ["sms", "otp", "hwk", "swk", "backup_code"];
