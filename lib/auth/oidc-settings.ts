type Env = Record<string, string | undefined>;

/** The generic OpenID Connect provider ("Sign in with SSO"), when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. */
export function oidcSettingsFromEnv(env: Env = process.env): { issuer: string; clientId: string; clientSecret: string } | null {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = env;
  return issuer && clientId && clientSecret ? { issuer, clientId, clientSecret } : null;
}
