import type { NextAuthConfig } from "next-auth";
import { handOffFirstFactor } from "../first-factor";
import type { TwoFactorDeps } from "../options";
import type { FirstFactor } from "../sign-in-ticket";
import { linkedUserOf, type LinkRefusal } from "./account-link";

type SignInCallback = NonNullable<NonNullable<NextAuthConfig["callbacks"]>["signIn"]>;
type SignInParams = Parameters<SignInCallback>[0];

export interface WithTwoFactorOptions {
  /** The plugin's deps (`createTwoFactor(...).deps`): its database and clock. */
  deps: () => Promise<Pick<TwoFactorDeps, "db" | "clock" | "options">>;
  /** Where the host mounted the plugin's route handler. @default "/api/two-factor" */
  routePath?: string;
  /**
   * A user new to the host, just made from a verified OIDC/OAuth email or an email link: the host
   * may add them to an organization (an invitation, the organization's email domain).
   * @default undefined: a new user joins no organization
   */
  onUserCreated?: (user: { id: string; email: string | null }, firstFactor: FirstFactor) => Promise<void>;
  /** OAuth (not OpenID Connect) providers, by id, whose email addresses are taken as verified. @default [] */
  trustedEmailProviders?: string[];
}

/** The first factor a next-auth provider type proves; null for types the plugin does not hold. */
export function firstFactorOfAccount(type: string | undefined): FirstFactor | null {
  if (type === "credentials") return "pwd";
  if (type === "oidc") return "oidc";
  if (type === "oauth") return "oauth";
  if (type === "email") return "email_link";
  return null;
}

/**
 * Holds every next-auth sign-in until the second factor: after the host's own `signIn` callback
 * agrees, the plugin's answers instead of next-auth's session: the user is found (or linked, or
 * made) through the adapter, and the browser is sent to the plugin's continue step with a
 * single-use ticket. That step starts the session, or the pending sign-in and the two-factor
 * pages; next-auth itself never sets a session cookie for a sign-in.
 */
export function withTwoFactor(config: NextAuthConfig, options: WithTwoFactorOptions): NextAuthConfig {
  const routePath = options.routePath ?? "/api/two-factor";
  const hostSignIn = config.callbacks?.signIn;
  const refused = async (reason: LinkRefusal) => `${(await options.deps()).options.signInPath}?error=${reason}`;

  async function signIn(params: SignInParams): Promise<boolean | string> {
    const allowed = hostSignIn ? await hostSignIn(params) : true;
    if (allowed !== true) return allowed;
    // The email provider asks first whether to send the link: the sign-in is when it is followed.
    if (params.email?.verificationRequest) return true;
    const firstFactor = firstFactorOfAccount(params.account?.type);
    if (!params.account || !firstFactor) return refused("UnsupportedProvider");
    if (!config.adapter && firstFactor !== "pwd") throw new Error("withTwoFactor: OAuth, OIDC and email sign-ins need next-auth's adapter");
    const deps = await options.deps();
    const now = deps.clock.now();
    const linked = config.adapter
      ? await linkedUserOf(config.adapter, { user: params.user, account: params.account, profile: params.profile, firstFactor, now, trustedEmailProviders: options.trustedEmailProviders ?? [] }, config.events)
      : { ok: true as const, userId: params.user.id ?? "", email: params.user.email ?? null, created: false };
    if (!linked.ok) return refused(linked.reason);
    if (!linked.userId) return refused("NoEmail");
    if (linked.created) await options.onUserCreated?.({ id: linked.userId, email: linked.email }, firstFactor);
    const ticket = await handOffFirstFactor(deps, { userId: linked.userId, firstFactor });
    return `${routePath}/sign-in/continue?ticket=${ticket}`;
  }

  return { ...config, callbacks: { ...config.callbacks, signIn } };
}
