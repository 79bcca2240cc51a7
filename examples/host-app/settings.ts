import { twoFactorCookies } from "@connect-2fa/cookies";

/** Cookies are `Secure` unless the app is served over plain http (APP_URL, a local run). */
export const SECURE_COOKIES = !(process.env.APP_URL ?? "").startsWith("http:");

/** The plugin's paths here: next-auth's own sign-in page, the two-factor page, and home once setup is done. */
export const PLUGIN_SETTINGS = { secureCookies: SECURE_COOKIES, signInPath: "/api/auth/signin", twoFactorPath: "/two-factor", setupDonePath: "/" };

/** next-auth's session strategy: database sessions (rows with the methods used) unless AUTH_SESSION_STRATEGY=jwt. */
export const SESSION_STRATEGY: "jwt" | "database" = process.env.AUTH_SESSION_STRATEGY === "jwt" ? "jwt" : "database";

/** next-auth's session cookie. */
export const SESSION_COOKIE = `${SECURE_COOKIES ? "__Secure-" : ""}authjs.session-token`;

export const pluginCookies = twoFactorCookies({ cookiePrefix: "c2fa", ...PLUGIN_SETTINGS });
