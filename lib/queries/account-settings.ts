import type { SessionViewer } from "../auth/live-session";
import { viewerHasRecentSecondFactor } from "../auth/recent-second-factor";
import { enrollmentProgress, listMembers, type MembersQuery } from "../members";
import { getOrganization } from "../organizations";
import { appDeps } from "../server";

const DAY_MS = 86_400_000;

/** What the Account Settings page shows an admin: their organization's requirement, progress and members. */
export async function loadAccountSettings(viewer: SessionViewer & { organization: { id: string } }, query: MembersQuery) {
  const organizationId = viewer.organization.id;
  const { db, clock } = await appDeps();
  const now = clock.now();
  const [org, progress, members] = await Promise.all([
    getOrganization(db, organizationId),
    enrollmentProgress(db, organizationId),
    listMembers(db, { organizationId, ...query, now }),
  ]);
  // Back from "Confirm it's you": the admin action asked for is shown ready to confirm (never done on a GET).
  const recentSecondFactor = await viewerHasRecentSecondFactor(viewer, now.getTime());
  // A grace period that has ended is not offered again by default: re-saving must not reopen it.
  const until = org?.twoFactorGraceUntil && org.twoFactorGraceUntil > now ? org.twoFactorGraceUntil : null;
  const grace = until ? { until: until.toISOString(), daysLeft: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / DAY_MS)) } : null;
  const allowed = org?.twoFactorAllowedMethods ?? "any";
  const smsUntil = allowed === "secure" && org?.secureMethodsGraceUntil && org.secureMethodsGraceUntil > now ? org.secureMethodsGraceUntil : null;
  const smsGrace = smsUntil ? { until: smsUntil.toISOString(), daysLeft: Math.max(1, Math.ceil((smsUntil.getTime() - now.getTime()) / DAY_MS)) } : null;
  return { grace, progress, members, recentSecondFactor, allowedMethods: { allowed, smsGrace } };
}
