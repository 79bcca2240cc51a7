import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { portalTwoFactor } from "../server";
import type { PendingSignIn } from "../two-factor";

/**
 * For the two-factor pages: the pending sign-in of this stage, if it still stands in the database
 * (the plugin's check); otherwise away to where the visitor belongs.
 */
export async function requirePendingSignIn(stage: PendingSignIn["stage"]): Promise<PendingSignIn> {
  // The cookies first: reading them makes the page dynamic (never prerendered at build time).
  const jar = await cookies();
  const checked = await portalTwoFactor().checks.pendingSignIn(jar, stage);
  if (!checked.ok) redirect(checked.redirectTo);
  return checked.pending;
}
