"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/action";
import { getViewer } from "@/lib/auth/dal";
import { requireRecentSecondFactor } from "@/lib/auth/recent-second-factor";
import { resumePath } from "@/lib/auth/resume";
import { safeReturnPath } from "@/lib/return-path";
import { emailSenderFromEnv } from "@/lib/email";
import { ERROR_MESSAGES } from "@/lib/errors";
import { notifyMember } from "@/lib/notifications";
import { appDeps } from "@/lib/server";
import { resetMemberTwoFactor, revokeMemberTrustedDevices } from "@/lib/two-factor/member-admin";
import { isOrganizationAdmin } from "@/lib/users";

const memberSchema = z.object({ userId: z.string().min(1).max(64), returnTo: z.string().max(2048).optional() });

const REFUSED = {
  NOT_FOUND: "That member is not in your organization.",
  FORBIDDEN: "Only the owner can do this for the owner or an admin.",
} as const;

/** The admin asking, after "Confirm it's you" when needed: back to the same page, this member's step open. */
async function adminFor(returnTo: string | undefined, intent: { resume: "reset" | "revoke"; member: string }) {
  const viewer = await getViewer();
  if (!viewer) return { error: ERROR_MESSAGES.UNAUTHENTICATED } as const;
  if (!viewer.organization || !viewer.role || !isOrganizationAdmin(viewer.role)) return { error: ERROR_MESSAGES.FORBIDDEN } as const;
  await requireRecentSecondFactor(viewer, resumePath(safeReturnPath(returnTo, "/account-settings"), intent));
  return { actor: { userId: viewer.user.id, organizationId: viewer.organization.id, role: viewer.role } } as const;
}

export const resetMemberAction = validatedAction(memberSchema, async (data, { request }): Promise<ActionState> => {
  const admin = await adminFor(data.returnTo, { resume: "reset", member: data.userId });
  if ("error" in admin) return { ok: false, error: admin.error };
  const { db, clock } = await appDeps();
  const done = await resetMemberTwoFactor(db, { actor: admin.actor, targetUserId: data.userId, request, now: clock.now() });
  if (!done.ok) return { ok: false, error: REFUSED[done.code] };
  after(() => notifyMember(emailSenderFromEnv(), done.email, { kind: "two_factor_reset" }));
  revalidatePath("/account-settings");
  return { ok: true, message: `Two-step authentication of ${done.email} was reset. Their sessions ended.` };
});

export const revokeMemberDevicesAction = validatedAction(memberSchema, async (data, { request }): Promise<ActionState> => {
  const admin = await adminFor(data.returnTo, { resume: "revoke", member: data.userId });
  if ("error" in admin) return { ok: false, error: admin.error };
  const { db, clock } = await appDeps();
  const done = await revokeMemberTrustedDevices(db, { actor: admin.actor, targetUserId: data.userId, request, now: clock.now() });
  if (!done.ok) return { ok: false, error: REFUSED[done.code] };
  after(() => notifyMember(emailSenderFromEnv(), done.email, { kind: "trusted_devices_revoked" }));
  revalidatePath("/account-settings");
  return { ok: true, message: `${done.revoked} trusted device${done.revoked === 1 ? "" : "s"} of ${done.email} revoked.` };
});
