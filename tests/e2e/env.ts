export const E2E_PASSWORD = "e2e demo password";
export const E2E_SECRETS = {
  AUTH_SECRET: "e2e-auth-secret-0123456789abcdefghijklmnop",
  SESSION_PASSWORD: "e2e-session-password-0123456789abcdefghij",
};
export const E2E_VONAGE = { key: "e2e-vonage-key", secret: "e2e-vonage-secret" };

/** The fake OpenID provider every e2e server signs in with ("Sign in with SSO"). */
export const E2E_OIDC = {
  clientId: "connect-e2e",
  clientSecret: "connect-e2e-oidc-secret-0123456789",
  users: [
    "sso-member@example.com:Sue SSO:true",
    "sso-unverified@example.com:Una Verified:false",
    "sso-newcomer@example.com:Nia Newcomer:true",
  ],
};

/** The native app the scripted mobile app plays (OAUTH_CLIENTS of every e2e server): it listens on a loopback port. */
export const E2E_OAUTH_APP = {
  clientId: "connect-mobile-e2e",
  name: "Connect for iOS",
  redirectUris: ["http://127.0.0.1/callback", "com.example.connect:/callback"],
};

/** The installation-wide daily SMS cap of the two-instances project's servers (its spec fills the day's count to just below it). */
export const TWO_INSTANCES_SMS_DAILY_CAP = 500;

/** The two-instances project's ports (playwright.config.ts): its two app instances, the load balancer and their one fake Vonage. */
export function twoInstancesPorts(base = Number(process.env.E2E_PORT_BASE || 3100)) {
  return { apps: [base + 5, base + 6], balancer: base + 7, vonage: base + 95 };
}
