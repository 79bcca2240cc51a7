"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedAction } from "@/lib/action";
import { getViewer } from "@/lib/auth/dal";
import { ERROR_MESSAGES } from "@/lib/errors";
import { setOrganizationRequiresTwoFactor } from "@/lib/organizations";
import { appDeps } from "@/lib/server";
import { isOrganizationAdmin } from "@/lib/users";

const settingsSchema = z.object({
  requireTwoFactor: z.enum(["on"]).optional(),
});

export const saveAccountSettingsAction = validatedAction(settingsSchema, async (data, { request }) => {
  const viewer = await getViewer();
  if (!viewer) return { ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED };
  if (!viewer.organization || !isOrganizationAdmin(viewer.role)) return { ok: false, error: ERROR_MESSAGES.FORBIDDEN };
  const { db, clock } = await appDeps();
  const required = data.requireTwoFactor === "on";
  await setOrganizationRequiresTwoFactor(db, {
    organizationId: viewer.organization.id,
    actorUserId: viewer.user.id,
    required,
    request,
    now: clock.now(),
  });
  revalidatePath("/account-settings");
  return {
    ok: true,
    message: required
      ? "Settings saved. All admins and members will be required to set up two-factor authentication the next time they sign in."
      : "Settings saved. Two-factor authentication is no longer required for all members.",
  };
});
