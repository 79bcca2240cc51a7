"use server";

import { redirect } from "next/navigation";
import { clearPendingSignIn } from "@/lib/auth/cookies";

/** "Cancel": ends the pending sign-in. */
export async function cancelSignInAction() {
  await clearPendingSignIn();
  redirect("/sign-in");
}
