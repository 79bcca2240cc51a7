import { createHash, timingSafeEqual } from "node:crypto";
import { SECRET_MIN_LENGTH } from "../config/secrets";

/**
 * A scheduler's request (Vercel Cron sends `Authorization: Bearer $CRON_SECRET`): "unconfigured"
 * when CRON_SECRET is missing or shorter than the other secrets (the route then runs nothing for
 * anyone), "refused" when the header is not exactly `Bearer <secret>`.
 */
export function cronAuthorization(header: string | null, secret: string | undefined): "allowed" | "refused" | "unconfigured" {
  if (!secret || secret.length < SECRET_MIN_LENGTH) return "unconfigured";
  if (header === null) return "refused";
  // Digests of equal length compared in constant time: neither the secret's length nor how much
  // of it a guess got right shows in the time of the answer.
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(header), digest(`Bearer ${secret}`)) ? "allowed" : "refused";
}

/** What a production server says at start when the cron route cannot run (never the secret itself). */
export function cronConfigurationWarning(env: Readonly<Record<string, string | undefined>>): string | null {
  const secret = env.CRON_SECRET;
  if (!secret) return "Housekeeping: CRON_SECRET is not set; GET /api/cron/sweep refuses every call (503). Set it, or run `npm run db:sweep` on a schedule.";
  if (secret.length < SECRET_MIN_LENGTH) return `Housekeeping: CRON_SECRET is too short (${secret.length} characters; it needs at least ${SECRET_MIN_LENGTH}); GET /api/cron/sweep refuses every call (503).`;
  return null;
}
