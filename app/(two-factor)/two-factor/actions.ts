"use server";

import { redirect } from "next/navigation";
import { clearPendingSignIn } from "@/lib/auth/cookies";
import { portalPaths } from "@/lib/auth/portal-cookies";

/** "Cancel": ends the pending sign-in. */
export async function cancelSignInAction() {
  await clearPendingSignIn();
  redirect(portalPaths.signIn);
}
