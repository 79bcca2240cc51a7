import { systemClock, type Clock } from "./clock";
import { hmacSha256 } from "./crypto";
import { getDb, type Db } from "./db/client";
import { outboxWriter } from "./outbox";
import { smsSenderFromEnv, type SmsSender } from "./sms";
import { twoFactorOptions, type TwoFactorDeps } from "./two-factor/options";

/** What the app hands the core: the process database and the real clock. */
export async function appDeps(): Promise<{ db: Db; clock: Clock }> {
  return { db: await getDb(), clock: systemClock };
}

const globalForSms = globalThis as unknown as { __connect2faSms?: SmsSender };

/** One SMS sender per process (the Vonage client keeps its connection pool). */
function processSmsSender(): SmsSender {
  globalForSms.__connect2faSms ??= smsSenderFromEnv(process.env, outboxWriter(getDb));
  return globalForSms.__connect2faSms;
}

/** The two-factor core's dependencies, from the environment. `host` is for the WebOTP line. */
export async function twoFactorDeps(host: string | null): Promise<TwoFactorDeps> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  const allowed = process.env.SMS_ALLOWED_COUNTRIES?.split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
  return {
    db: await getDb(),
    clock: systemClock,
    sms: processSmsSender(),
    codeKey: hmacSha256(secret, "connect-2fa/sms-code-key"),
    options: twoFactorOptions({
      webOtpHost: host ? host.replace(/:\d+$/, "") : null,
      allowedCountries: allowed && allowed.length > 0 ? allowed : null,
      ...(process.env.SMS_DAILY_CAP ? { maxSmsPerDay: Number(process.env.SMS_DAILY_CAP) || null } : {}),
    }),
  };
}
