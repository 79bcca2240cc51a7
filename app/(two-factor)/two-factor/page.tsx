import { redirect } from "next/navigation";
import { readPendingSignIn } from "@/lib/auth/cookies";

export default async function TwoFactorIndex() {
  const pending = await readPendingSignIn();
  if (!pending) redirect("/sign-in?expired=1");
  redirect(pending.stage === "setup" ? "/two-factor/setup" : "/two-factor/challenge");
}
