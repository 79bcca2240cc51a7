import { redirect } from "next/navigation";
import { hasRecentSecondFactor } from "../two-factor/confirm";
import { readConfirmation } from "./cookies";
import { safeReturnPath } from "./return-path";

/** For sensitive actions: on without a second factor within 10 minutes, off to /confirm and back. */
export async function requireRecentSecondFactor(
  viewer: { user: { id: string }; amr: string[]; authTime: number },
  returnTo: string,
): Promise<void> {
  const confirmedAt = await readConfirmation(viewer.user.id, viewer.authTime);
  if (hasRecentSecondFactor(viewer, confirmedAt, Date.now())) return;
  redirect(`/confirm?next=${encodeURIComponent(safeReturnPath(returnTo))}`);
}
