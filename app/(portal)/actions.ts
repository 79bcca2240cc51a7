"use server";

import { signOut } from "@/lib/auth/auth";
import { clearPendingSignIn } from "@/lib/auth/cookies";
import { getViewer } from "@/lib/auth/dal";
import { markSessionEnded } from "@/lib/auth/ended-sessions";
import { appDeps } from "@/lib/server";

/** Ends the session (also for any copy of its cookie) and any pending sign-in. */
export async function signOutAction() {
  const viewer = await getViewer().catch(() => null);
  if (viewer) {
    const { db, clock } = await appDeps();
    // If the database is down, the cookie is still cleared; a copy of it is refused anyway,
    // because every protected request needs the database too.
    await markSessionEnded(db, viewer.user.id, viewer.authTime, clock.now()).catch(() => undefined);
  }
  await clearPendingSignIn();
  await signOut({ redirectTo: "/sign-in" });
}
