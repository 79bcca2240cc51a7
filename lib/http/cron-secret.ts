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
