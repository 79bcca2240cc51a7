type Env = Record<string, string | undefined>;

/**
 * The portal's public origin for links in emails (never the request's Host header): APP_URL, or in
 * development the origin `npm run dev` serves on. Null in production without APP_URL.
 */
export function appUrlFromEnv(env: Env = process.env): string | null {
  if (env.APP_URL) return env.APP_URL;
  if (env.NODE_ENV === "production") return null;
  return `http://localhost:${env.PORT || "3000"}`;
}

/** A sentence for the server log and the start banner; members are never shown a setting's name. */
export function appUrlConfigurationWarning(env: Env = process.env): string | null {
  if (appUrlFromEnv(env)) return null;
  return "Password reset: APP_URL is not set; change of password requests are refused until it is (e.g. APP_URL=https://connect.example.com).";
}

/** What a member sees when the link cannot be made: a plain sentence and what to do instead. */
export const PASSWORD_RESET_UNAVAILABLE =
  "Password reset by email is not available right now. Ask your organization's owner or an admin to reset your two-step authentication, or try again later.";

/**
 * The plugin's passkey settings from the portal's public origin (APP_URL, else AUTH_URL, else in
 * development the dev server's): passkeys are made for its host name (the RP id) and answered from
 * that origin only. Without an origin (production without APP_URL), passkeys are not offered.
 */
export function passkeySettingsFromEnv(env: Env = process.env): { passkeyRpId: string | null; passkeyOrigins: string[] } {
  const url = env.APP_URL ? env.APP_URL : env.AUTH_URL ? env.AUTH_URL : appUrlFromEnv(env);
  if (!url) return { passkeyRpId: null, passkeyOrigins: [] };
  try {
    const { hostname, origin } = new URL(url);
    return { passkeyRpId: hostname, passkeyOrigins: [origin] };
  } catch {
    return { passkeyRpId: null, passkeyOrigins: [] };
  }
}
