"use server";

import { revalidatePath } from "next/cache";
import { stepAction } from "@/lib/step-action";

// An owner or admin acts on a member: the plugin's steps (organization admin, recent second factor).

const refreshMembers = () => revalidatePath("/account-settings");

export const resetMemberAction = stepAction("members/reset", { succeeded: refreshMembers });

export const revokeMemberDevicesAction = stepAction("members/revoke-devices", { succeeded: refreshMembers });
