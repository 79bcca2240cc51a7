import { and, desc, eq } from "drizzle-orm";
import { sha256 } from "../crypto";
import type { TwoFactorDb } from "./db";
import { smsChallenges, type ChallengePurpose } from "./schema";
import { maskPhone } from "./phone-number";

/** What a challenge page shows: where the last code went and when another may be asked for. */
export async function challengeStatus(
  db: TwoFactorDb,
  input: { userId: string; purpose: ChallengePurpose; attemptNonce: string; resendIntervalMs: number },
): Promise<{ phoneMasked: string | null; resendAt: Date | null }> {
  const [last] = await db
    .select({ createdAt: smsChallenges.createdAt, phoneE164: smsChallenges.phoneE164 })
    .from(smsChallenges)
    .where(
      and(
        eq(smsChallenges.userId, input.userId),
        eq(smsChallenges.purpose, input.purpose),
        eq(smsChallenges.attemptHash, sha256(input.attemptNonce)),
      ),
    )
    .orderBy(desc(smsChallenges.createdAt))
    .limit(1);
  if (!last) return { phoneMasked: null, resendAt: null };
  return { phoneMasked: maskPhone(last.phoneE164), resendAt: new Date(last.createdAt.getTime() + input.resendIntervalMs) };
}
