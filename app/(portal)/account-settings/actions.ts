"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import { sendToConfirmation, viewerHasRecentSecondFactor } from "@/lib/auth/recent-second-factor";
import { resumePath } from "@/lib/auth/resume";
import { emailSenderFromEnv } from "@/lib/email";
import { ERROR_MESSAGES } from "@/lib/errors";
import { organizationAdminAction } from "@/lib/guarded-action";
import { notifyRequirementChange } from "@/lib/notifications";
import { setOrganizationRequiresTwoFactor } from "@/lib/organizations";
import { setOrganizationAllowedMethods } from "@/lib/allowed-methods";
import { appDeps } from "@/lib/server";

const settingsSchema = z
  .object({
    requireTwoFactor: z.enum(["on"]).optional(),
    deadline: z.enum(["next_sign_in", "days"]).optional(),
    graceDays: z.string().optional(),
  })
  .superRefine((data, ctx) => {
    if (data.requireTwoFactor !== "on" || data.deadline !== "days") return;
    const days = Number(data.graceDays);
    if (!Number.isInteger(days) || days < 1 || days > 30) {
      ctx.addIssue({ code: "custom", path: ["graceDays"], message: "Choose a whole number of days from 1 to 30." });
    }
  });

export const saveAccountSettingsAction = organizationAdminAction(settingsSchema, async (data, { request, viewer }) => {
  const { db, clock } = await appDeps();
  const now = clock.now();
  const required = data.requireTwoFactor === "on";
  const graceDays = required && data.deadline === "days" ? Number(data.graceDays) : null;
  const done = await setOrganizationRequiresTwoFactor(db, {
    organizationId: viewer.organization.id,
    actorUserId: viewer.user.id,
    required,
    graceDays,
    recentSecondFactor: await viewerHasRecentSecondFactor(viewer, now.getTime()),
    request,
    now,
  });
  if (!done.ok) {
    if (done.code === "NOT_FOUND") return { ok: false, error: ERROR_MESSAGES.FORBIDDEN };
    // An admin without a second factor cannot confirm: say so rather than send them round /confirm.
    if (!viewer.user.twoFactorEnrolled) return { ok: false, error: ERROR_MESSAGES.SECOND_FACTOR_NOT_SET_UP };
    // Back from "Confirm it's you", the form shows this same change, ready to Save.
    sendToConfirmation(
      resumePath("/account-settings", { resume: "requirement", required: required ? "on" : "off", ...(graceDays ? { graceDays: String(graceDays) } : {}) }),
    );
  }
  if (done.changed) after(() => notifyRequirementChange(emailSenderFromEnv(), done));
  revalidatePath("/account-settings");
  return {
    ok: true,
    message: graceDays
      ? `Settings saved. Members who have not set up two-factor authentication can skip it for ${graceDays} day${graceDays === 1 ? "" : "s"}; after that they will be required to at sign-in.`
      : required
      ? "Settings saved. All admins and members will be required to set up two-factor authentication the next time they sign in."
      : "Settings saved. Two-factor authentication is no longer required for all members.",
  };
});

// "Allowed methods" (issue 18): any method, or secure methods only, with a grace for SMS-only members.
const allowedMethodsSchema = z
  .object({
    allowedMethods: z.enum(["any", "secure"], { message: "Choose which methods members may use." }),
    smsDeadline: z.enum(["next_sign_in", "days"]).optional(),
    smsGraceDays: z.string().max(8).optional(),
  })
  .superRefine((data, ctx) => {
    if (data.allowedMethods !== "secure" || data.smsDeadline !== "days") return;
    const days = Number(data.smsGraceDays);
    if (!/^\d+$/.test(data.smsGraceDays ?? "") || !Number.isInteger(days) || days < 1 || days > 30) {
      ctx.addIssue({ code: "custom", path: ["smsGraceDays"], message: "Choose a whole number of days from 1 to 30." });
    }
  });

export const saveAllowedMethodsAction = organizationAdminAction(allowedMethodsSchema, async (data, { request, viewer }) => {
  const { db, clock } = await appDeps();
  const now = clock.now();
  const allowed = data.allowedMethods;
  const graceDays = allowed === "secure" && data.smsDeadline === "days" ? Number(data.smsGraceDays) : null;
  const done = await setOrganizationAllowedMethods(db, {
    organizationId: viewer.organization.id,
    actorUserId: viewer.user.id,
    allowed,
    graceDays,
    recentSecondFactor: await viewerHasRecentSecondFactor(viewer, now.getTime()),
    request,
    now,
  });
  if (!done.ok) {
    if (done.code === "NOT_FOUND") return { ok: false, error: ERROR_MESSAGES.FORBIDDEN };
    if (!viewer.user.twoFactorEnrolled) return { ok: false, error: ERROR_MESSAGES.SECOND_FACTOR_NOT_SET_UP_FOR_METHODS };
    // Back from "Confirm it's you", the form shows this same change, ready to Save.
    sendToConfirmation(resumePath("/account-settings", { resume: "allowed-methods", allowed, ...(graceDays ? { smsGraceDays: String(graceDays) } : {}) }));
  }
  revalidatePath("/account-settings");
  if (allowed === "any") return { ok: true, message: "Allowed methods saved. Members may verify with any method: SMS, an authenticator app or a passkey." };
  return {
    ok: true,
    message: graceDays
      ? `Allowed methods saved. Members who have only SMS may go on using it for ${graceDays} day${graceDays === 1 ? "" : "s"}; after that they must add an authenticator app or a passkey at sign-in.`
      : "Allowed methods saved. Members who have only SMS must add an authenticator app or a passkey at their next sign-in.",
  };
});
