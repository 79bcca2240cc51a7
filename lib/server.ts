import { after } from "next/server";
import { systemClock, type Clock } from "./clock";
import { passkeySettingsFromEnv } from "./config/app-url";
import { sessionPassword } from "./config/secrets";
import { getDb, type Db } from "./db/client";
import { emailSenderFromEnv } from "./email";
import { PORTAL_TWO_FACTOR_SETTINGS } from "./auth/portal-cookies";
import { sessionCookies } from "./auth/session-cookie";
import { portalPasswordIsRight, portalSession } from "./auth/two-factor-session";
import { reportRouteFailure } from "./http/route-failure";
import { outboxWriter } from "./outbox";
import { smsSenderFromEnv, type SmsSender } from "./sms";
import { createTwoFactor, type TwoFactor, type TwoFactorHost } from "./two-factor";
import type { TwoFactorFlowDeps } from "./two-factor/flow";
import { portalTwoFactorHost } from "./two-factor-host";

/** What the app hands lib/ and the core: the process database, the real clock and the portal's answers to the plugin. */
export async function appDeps(): Promise<{ db: Db; clock: Clock; host: TwoFactorHost }> {
  return { db: await getDb(), clock: systemClock, host: portalTwoFactorHost };
}

const globalForSms = globalThis as unknown as { __connect2faSms?: SmsSender };

/** One SMS sender per process (the Vonage client keeps its connection pool). */
function processSmsSender(): SmsSender {
  globalForSms.__connect2faSms ??= smsSenderFromEnv(process.env, outboxWriter(getDb));
  return globalForSms.__connect2faSms;
}

const globalForPlugin = globalThis as unknown as { __connect2faPlugin?: { key: string; plugin: TwoFactor<Db> } };

/**
 * The portal mounts the plugin as any host would, through its one entry point, with what it reads
 * of its environment. Made once per process and made again only when a setting it reads changes
 * (a test's server may set them after start), so a request pays no validation or key derivation.
 */
export function portalTwoFactor(): TwoFactor<Db> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  const { SESSION_PASSWORD, SMS_ALLOWED_COUNTRIES, SMS_DAILY_CAP, APP_URL, AUTH_URL } = process.env;
  const key = [secret, SESSION_PASSWORD, SMS_ALLOWED_COUNTRIES, SMS_DAILY_CAP, APP_URL, AUTH_URL].join("\u0000");
  const cached = globalForPlugin.__connect2faPlugin;
  if (cached?.key === key) return cached.plugin;
  const allowed = SMS_ALLOWED_COUNTRIES?.split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
  const plugin = createTwoFactor({
    ...PORTAL_TWO_FACTOR_SETTINGS,
    allowedCountries: allowed && allowed.length > 0 ? allowed : null,
    ...(SMS_DAILY_CAP ? { maxSmsPerDay: Number(SMS_DAILY_CAP) || null } : {}),
    // Passkeys are made for the portal's public origin (its host name is the RP id).
    ...passkeySettingsFromEnv(),
    database: getDb,
    host: portalTwoFactorHost,
    sms: processSmsSender(),
    // Chosen when a notice is sent, as the outbox or SMTP settings may change under a test.
    email: { send: (message) => emailSenderFromEnv().send(message) },
    secret,
    sessionPassword: sessionPassword(),
    startSession: sessionCookies,
    getSession: portalSession,
    checkPassword: portalPasswordIsRight,
    onError: (error, step) => reportRouteFailure(`two-factor ${step}`, error),
    defer: (task) => after(task),
  });
  globalForPlugin.__connect2faPlugin = { key, plugin };
  return plugin;
}

/** The two-factor core's dependencies for one request. `host` is for the WebOTP line. */
export function twoFactorDeps(host: string | null): Promise<TwoFactorFlowDeps & { db: Db }> {
  return portalTwoFactor().deps({ host });
}
