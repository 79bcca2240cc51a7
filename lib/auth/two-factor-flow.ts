import { twoFactorDeps } from "../server";
import type { TwoFactorFlowDeps } from "../two-factor/flow";

/**
 * What the portal gives the flow's last steps: the plugin's deps (lib/server.ts mounts it through
 * `createTwoFactor`, with next-auth's session cookie as its session strategy and Next.js's `after`).
 */
export function portalFlowDeps(host: string | null): Promise<TwoFactorFlowDeps> {
  return twoFactorDeps(host);
}
