// The one rule an app's sign-in is held to, wherever it is judged: when the browser sign-in ends an
// authorization (interaction.ts), at every code exchange and refresh (accounts.ts), and at every
// API request (the access token's amr). It asks what a sign-in on the web would be asked today:
// an organization's requirement (or the member's own 2FA) switched on after the app signed in, or
// "secure methods only" past its grace for an SMS-only sign-in, sends the app back to the browser;
// so do a password reset, an admin's 2FA reset or a sign-out everywhere (sessions_valid_after).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import { loadSecondFactorState } from "../two-factor";
import { SECOND_FACTOR_METHODS } from "../two-factor/auth-methods";
import { smsAccepted } from "../two-factor/methods";
import { portalTwoFactorHost } from "../two-factor-host";

/** Methods that stand for a second factor in an amr: the plugin's, and a trusted device's. */
const SECOND_FACTORS = new Set<string>([...SECOND_FACTOR_METHODS, "trusted_device"]);

export type AppSignInRefusal =
  /** The member no longer exists. */
  | "ACCOUNT_GONE"
  /** Signed out since: a password reset, an admin's 2FA reset, a sign-out everywhere. */
  | "SIGNED_OUT"
  /** The sign-in lacks a second factor the member's organization (or the member) now requires. */
  | "SECOND_FACTOR_REQUIRED"
  /** The sign-in's only second factor was SMS and the organization now accepts secure methods only. */
  | "SECURE_METHOD_REQUIRED";

export type AppSignInVerdict = { ok: true; organizationId: string | null } | { ok: false; reason: AppSignInRefusal };

export interface AppSignInFacts {
  userId: string;
  amr: readonly string[];
  /** When the member signed in through the browser (ms since the epoch); unknown counts as before any reset. */
  authTimeMs: number | undefined;
}

export async function appSignInVerdict(db: Db, facts: AppSignInFacts, now: Date): Promise<AppSignInVerdict> {
  const [[user], state] = await Promise.all([
    db.select({ sessionsValidAfter: users.sessionsValidAfter }).from(users).where(eq(users.id, facts.userId)).limit(1),
    loadSecondFactorState({ db, host: portalTwoFactorHost }, facts.userId, now),
  ]);
  if (!user || !state) return { ok: false, reason: "ACCOUNT_GONE" };
  // Whole seconds: the provider keeps a sign-in's time in seconds (auth_time), so a sign-in in the
  // same second as a reset is not counted as before it. The reset revokes the member's app
  // sign-ins itself (lib/oauth/grants.ts revokeAllAppSignIns), so this second opens nothing.
  const signedInAt = Math.floor((facts.authTimeMs ?? 0) / 1000);
  if (signedInAt < Math.floor(user.sessionsValidAfter.getTime() / 1000)) return { ok: false, reason: "SIGNED_OUT" };
  const secondFactors = facts.amr.filter((method) => SECOND_FACTORS.has(method));
  if (state.required && !state.inGracePeriod && secondFactors.length === 0) return { ok: false, reason: "SECOND_FACTOR_REQUIRED" };
  if (!smsAccepted(state, now) && secondFactors.length > 0 && secondFactors.every((method) => method === "sms")) return { ok: false, reason: "SECURE_METHOD_REQUIRED" };
  return { ok: true, organizationId: state.organizationId };
}
