// HOST_APP_PORT_BASE moves every port of the e2e (6100-6199 by default).
export const base = Number(process.env.HOST_APP_PORT_BASE || 6100);
export const ports = { gate: base, noGate: base + 1, jwt: base + 2, pglite: base + 3, jwtPglite: base + 4, vonage: base + 90, oidc: base + 91 };
export const FAKES = {
  vonageUrl: `http://127.0.0.1:${ports.vonage}`,
  vonage: { key: "host-app-vonage-key", secret: "host-app-vonage-secret" },
  oidc: { clientId: "host-app", clientSecret: "host-app-oidc-secret-0123456789" },
};
