"use server";

import { redirect } from "next/navigation";
import { runPortalStep } from "@/lib/step-action";

/** "Cancel": ends the pending sign-in. */
export async function cancelSignInAction() {
  const done = await runPortalStep("sign-in/cancel", new FormData());
  redirect(done.redirectTo ?? "/sign-in");
}
