import { after } from "next/server";
import { sessionPassword } from "../config/secrets";
import { emailSenderFromEnv } from "../email";
import { twoFactorDeps } from "../server";
import type { TwoFactorFlowDeps } from "../two-factor/flow";
import { sessionCookies } from "./session-cookie";

/**
 * What the portal gives the flow's last steps: the core's deps, its session strategy (next-auth's
 * cookie), its email sender (chosen when a notice is sent, as before) and Next.js's `after`.
 */
export async function portalFlowDeps(host: string | null): Promise<TwoFactorFlowDeps> {
  return {
    ...(await twoFactorDeps(host)),
    startSession: sessionCookies,
    email: { send: (message) => emailSenderFromEnv().send(message) },
    defer: (task) => after(task),
    sessionPassword: sessionPassword(),
  };
}
