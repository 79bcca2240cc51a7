import { redirect } from "next/navigation";
import { hasRecentSecondFactor } from "../two-factor/confirm";
import { readConfirmation } from "./cookies";
import { PORTAL_TWO_FACTOR_SETTINGS } from "./portal-cookies";
import { safeReturnPath } from "../return-path";

type SessionViewer = { user: { id: string }; amr: string[]; authTime: number };

/** Whether this session completed a second factor recently (`confirmationTtlMs`): at sign-in, or on "Confirm it's you". */
export async function viewerHasRecentSecondFactor(viewer: SessionViewer, nowMs: number): Promise<boolean> {
  const confirmedAt = await readConfirmation(viewer.user.id, viewer.authTime);
  return hasRecentSecondFactor(viewer, confirmedAt, nowMs, PORTAL_TWO_FACTOR_SETTINGS.confirmationTtlMs);
}

/** Off to "Confirm it's you", and back to `returnTo` once confirmed. */
export function sendToConfirmation(returnTo: string): never {
  redirect(`/confirm?next=${encodeURIComponent(safeReturnPath(returnTo))}`);
}

/** For sensitive actions: on with a recent second factor, else off to /confirm and back. */
export async function requireRecentSecondFactor(viewer: SessionViewer, returnTo: string): Promise<void> {
  if (await viewerHasRecentSecondFactor(viewer, Date.now())) return;
  sendToConfirmation(returnTo);
}
