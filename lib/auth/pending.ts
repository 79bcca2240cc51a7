import { redirect } from "next/navigation";
import type { PendingSignIn } from "../two-factor/pending-sign-in";
import { readPendingSignIn } from "./cookies";

export const SIGN_IN_EXPIRED_PATH = "/sign-in?expired=1";

/** The pending sign-in of this stage, or where the visitor belongs instead. */
export async function pendingSignInOf(stage: PendingSignIn["stage"]): Promise<{ pending: PendingSignIn } | { redirectTo: string }> {
  const pending = await readPendingSignIn();
  if (!pending) return { redirectTo: SIGN_IN_EXPIRED_PATH };
  if (pending.stage !== stage) return { redirectTo: pending.stage === "setup" ? "/two-factor/setup" : "/two-factor/challenge" };
  return { pending };
}

/** For the two-factor pages: the pending sign-in of this stage, or away to where the visitor belongs. */
export async function requirePendingSignIn(stage: PendingSignIn["stage"]): Promise<PendingSignIn> {
  const found = await pendingSignInOf(stage);
  if ("redirectTo" in found) redirect(found.redirectTo);
  return found.pending;
}
