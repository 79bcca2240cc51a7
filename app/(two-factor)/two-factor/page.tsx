import { redirect } from "next/navigation";
import { readPendingSignIn } from "@/lib/auth/cookies";
import { portalPaths } from "@/lib/auth/portal-cookies";
import { stagePath } from "@/lib/two-factor";

export default async function TwoFactorIndex() {
  const pending = await readPendingSignIn();
  if (!pending) redirect(portalPaths.signInExpired);
  redirect(stagePath(portalPaths, pending.stage));
}
