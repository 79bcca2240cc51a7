"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import type { ActionState } from "@/lib/action";
import { resumePath } from "@/lib/auth/resume";
import { safeReturnPath } from "@/lib/return-path";
import { emailSenderFromEnv } from "@/lib/email";
import { organizationAdminAction, withRecentSecondFactor, type AdminViewer } from "@/lib/guarded-action";
import { notifyMember } from "@/lib/notifications";
import { appDeps } from "@/lib/server";
import { resetMemberTwoFactor, revokeMemberTrustedDevices } from "@/lib/two-factor";

const memberSchema = z.object({ userId: z.string().min(1).max(64), returnTo: z.string().max(2048).optional() });

const REFUSED = {
  NOT_FOUND: "That member is not in your organization.",
  FORBIDDEN: "Only the owner can do this for the owner or an admin.",
} as const;

type MemberForm = z.infer<typeof memberSchema>;

/** After "Confirm it's you": back to the same page, this member's step open. */
const backToMember = (resume: "reset" | "revoke") => (data: MemberForm) =>
  resumePath(safeReturnPath(data.returnTo, "/account-settings"), { resume, member: data.userId });

// The actor's role is asked again in the step's transaction (the portal's answers, lib/two-factor-host.ts).
const actorOf = (viewer: AdminViewer) => ({ userId: viewer.user.id, organizationId: viewer.organization.id });

export const resetMemberAction = organizationAdminAction(
  memberSchema,
  withRecentSecondFactor(backToMember("reset"), async (data, { request, viewer }): Promise<ActionState> => {
    const deps = await appDeps();
    const { clock } = deps;
    const done = await resetMemberTwoFactor(deps, { actor: actorOf(viewer), targetUserId: data.userId, request, now: clock.now() });
    if (!done.ok) return { ok: false, error: REFUSED[done.code] };
    after(() => notifyMember(emailSenderFromEnv(), done.email, { kind: "two_factor_reset" }));
    revalidatePath("/account-settings");
    return { ok: true, message: `Two-step authentication of ${done.email} was reset. Their sessions ended.` };
  }),
);

export const revokeMemberDevicesAction = organizationAdminAction(
  memberSchema,
  withRecentSecondFactor(backToMember("revoke"), async (data, { request, viewer }): Promise<ActionState> => {
    const deps = await appDeps();
    const { clock } = deps;
    const done = await revokeMemberTrustedDevices(deps, { actor: actorOf(viewer), targetUserId: data.userId, request, now: clock.now() });
    if (!done.ok) return { ok: false, error: REFUSED[done.code] };
    after(() => notifyMember(emailSenderFromEnv(), done.email, { kind: "trusted_devices_revoked" }));
    revalidatePath("/account-settings");
    return { ok: true, message: `${done.revoked} trusted device${done.revoked === 1 ? "" : "s"} of ${done.email} revoked.` };
  }),
);
