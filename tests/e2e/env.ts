export const E2E_PASSWORD = "e2e demo password";
export const E2E_SECRETS = {
  AUTH_SECRET: "e2e-auth-secret-0123456789abcdefghijklmnop",
  SESSION_PASSWORD: "e2e-session-password-0123456789abcdefghij",
};
export const E2E_VONAGE = { key: "e2e-vonage-key", secret: "e2e-vonage-secret" };
