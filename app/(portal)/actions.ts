"use server";

import { cookies } from "next/headers";
import { signOut } from "@/lib/auth/auth";
import { pendingSignInCookieName } from "@/lib/two-factor/pending-sign-in";

/** Ends the session and any pending sign-in. */
export async function signOutAction() {
  (await cookies()).delete(pendingSignInCookieName());
  await signOut({ redirectTo: "/sign-in" });
}
