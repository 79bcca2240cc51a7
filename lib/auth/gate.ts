import { twoFactorGate } from "../two-factor/gate";
import { PORTAL_TWO_FACTOR_SETTINGS } from "./portal-cookies";

export type { GateCookies, GateDecision, GateInput } from "../two-factor/gate";

/**
 * The portal's public paths: sign-in, password reset, next-auth's routes, the two-factor route (it
 * checks the pending sign-in or the session itself, per step), the dev outbox, the load balancers'
 * health route, the scheduler's cron routes (they check CRON_SECRET themselves), and the native
 * apps' OAuth endpoints, their sign-in page and bearer-token API (they check the portal session or the token themselves).
 */
export const PORTAL_PUBLIC_PATHS = ["/sign-in", "/app-sign-in", "/password-reset", "/api/auth", "/api/two-factor", "/dev/outbox", "/api/health", "/api/cron", "/oauth", "/api/oauth", "/api/v1"] as const;

/** The plugin's gate with the portal's paths (built once; the middleware decides per request). */
const portalGate = twoFactorGate({ ...PORTAL_TWO_FACTOR_SETTINGS, publicPaths: PORTAL_PUBLIC_PATHS });

export const decideGate = portalGate.decide;
export const decideGateFromCookies = portalGate.decideFromCookies;
