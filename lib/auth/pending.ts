import { redirect } from "next/navigation";
import { getDb } from "../db/client";
import type { PendingSignIn } from "../two-factor/pending-sign-in";
import { loadPendingStanding } from "../two-factor/pending-standing";
import { stagePath } from "../two-factor/paths";
import { readPendingSignIn } from "./cookies";
import { portalPaths } from "./portal-cookies";


/** The pending sign-in of this stage, or where the visitor belongs instead (from the cookie alone). */
export async function pendingSignInOf(stage: PendingSignIn["stage"]): Promise<{ pending: PendingSignIn } | { redirectTo: string }> {
  const pending = await readPendingSignIn();
  if (!pending) return { redirectTo: portalPaths.signInExpired };
  if (pending.stage !== stage) return { redirectTo: stagePath(portalPaths, pending.stage) };
  return { pending };
}

/**
 * For the two-factor pages and their actions: the pending sign-in of this stage, if it still
 * stands in the database; otherwise away to where the visitor belongs. The core checks again when
 * it acts, inside its own statements.
 */
export async function requirePendingSignIn(stage: PendingSignIn["stage"]): Promise<PendingSignIn> {
  const found = await pendingSignInOf(stage);
  if ("redirectTo" in found) redirect(found.redirectTo);
  if ((await loadPendingStanding(await getDb(), found.pending)) === "ended") redirect(portalPaths.signInEnded);
  return found.pending;
}
