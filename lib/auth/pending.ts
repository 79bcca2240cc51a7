import { redirect } from "next/navigation";
import type { PendingSignIn } from "../two-factor/pending-sign-in";
import { readPendingSignIn } from "./cookies";

/** For the two-factor pages: the pending sign-in of this stage, or away to where the visitor belongs. */
export async function requirePendingSignIn(stage: PendingSignIn["stage"]): Promise<PendingSignIn> {
  const pending = await readPendingSignIn();
  if (!pending) redirect("/sign-in?expired=1");
  if (pending.stage !== stage) redirect(pending.stage === "setup" ? "/two-factor/setup" : "/two-factor/challenge");
  return pending;
}
