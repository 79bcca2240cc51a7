import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { createTwoFactor } from "@connect-2fa";
import { nextAuthSessions } from "@connect-2fa/next-auth";
import type { EmailSender } from "@connect-2fa-email/sender";
import { createVonageSmsSender } from "@connect-2fa-sms/vonage";
import { getDb } from "./db";
import { hostAnswers, membershipOf } from "./host";
import { PLUGIN_SETTINGS, SECURE_COOKIES, SESSION_STRATEGY } from "./settings";
import { accounts, sessions, users, verificationTokens } from "./schema";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// The member notices (a backup code used, setup done): this example only logs who gets which.
const logEmail: EmailSender = {
  async send(message) {
    console.info(`[email] to ${message.to}: ${message.subject}`);
    return { ok: true };
  },
};

/** Passkeys are made for the app's public origin (APP_URL): its host name is the RP id. Without it, none are offered. */
function passkeySettings() {
  const appUrl = process.env.APP_URL ? new URL(process.env.APP_URL) : null;
  return { passkeyRpId: appUrl?.hostname ?? null, passkeyOrigins: appUrl ? [appUrl.origin] : [] };
}

function mount() {
  const db = getDb();
  const adapter = DrizzleAdapter(db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens });
  const nextAuthSession = nextAuthSessions({ strategy: SESSION_STRATEGY, secret: env("AUTH_SECRET"), secureCookies: SECURE_COOKIES, adapter });
  const twoFactor = createTwoFactor({
    ...PLUGIN_SETTINGS,
    ...passkeySettings(),
    appName: "Host app",
    database: () => db,
    host: hostAnswers,
    sms: createVonageSmsSender({ apiKey: env("VONAGE_API_KEY"), apiSecret: env("VONAGE_API_SECRET"), from: "HostApp", restHost: process.env.VONAGE_REST_HOST || undefined }),
    email: logEmail,
    secret: env("AUTH_SECRET"),
    sessionPassword: env("SESSION_PASSWORD"),
    startSession: nextAuthSession.startSession,
    async getSession(cookies, now) {
      const claims = await nextAuthSession.readSession(cookies, now.getTime());
      if (!claims) return null;
      const membership = await membershipOf(db, claims.userId);
      return { ...claims, organizationId: membership?.organizationId ?? null, role: membership?.role ?? null };
    },
    onError: (error, step) => console.error(`[two-factor] ${step} failed`, error),
  });
  return { adapter, twoFactor };
}

const mounted = globalThis as unknown as { __hostAppPlugin?: ReturnType<typeof mount> };

/** The plugin and next-auth's adapter, made once per process (at the first request, not at build). */
export function hostPlugin() {
  mounted.__hostAppPlugin ??= mount();
  return mounted.__hostAppPlugin;
}
