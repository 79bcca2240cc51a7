import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { portalTwoFactor } from "../server";
import { safeReturnPath } from "../return-path";

type SessionViewer = { user: { id: string }; amr: string[]; authTime: number };

/** Whether this session completed a second factor recently (`confirmationTtlMs`): the plugin's check, at sign-in or on "Confirm it's you". */
export async function viewerHasRecentSecondFactor(viewer: SessionViewer, nowMs: number): Promise<boolean> {
  const session = { userId: viewer.user.id, authTime: viewer.authTime, amr: viewer.amr };
  return portalTwoFactor().checks.recentSecondFactor(await cookies(), session, new Date(nowMs));
}

/** Off to "Confirm it's you", and back to `returnTo` once confirmed. */
export function sendToConfirmation(returnTo: string): never {
  redirect(`/confirm?next=${encodeURIComponent(safeReturnPath(returnTo))}`);
}

/** For sensitive actions: on with a recent second factor, else off to /confirm and back (the portal's edge acts on the check's value). */
export async function requireRecentSecondFactor(viewer: SessionViewer, returnTo: string): Promise<void> {
  if (await viewerHasRecentSecondFactor(viewer, Date.now())) return;
  sendToConfirmation(returnTo);
}
