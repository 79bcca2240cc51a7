import { andThen, type MaybePromise } from "../edge-crypto";
import { safeReturnPath } from "../return-path";
import type { TwoFactorOptions } from "./options";

/**
 * The middleware's decision, from cookies alone (no database at the edge). It is only the first
 * line: the host checks every page, action and route again on the server, so a bypassed
 * middleware (CVE-2025-29927) opens nothing. Edge-safe.
 */
export type GateDecision =
  | { action: "allow" }
  | { action: "redirect"; to: string }
  | { action: "deny"; status: 401 };

export interface GateInput {
  pathname: string;
  search: string;
  hasSession: boolean;
  hasPendingSignIn: boolean;
  isApi: boolean;
}

/** Each reader answers at once where it can (node:crypto), or with a promise (WebCrypto). */
export interface GateCookies {
  hasSession(): MaybePromise<boolean>;
  hasPendingSignIn(): MaybePromise<boolean>;
}

export interface GateSettings extends Pick<TwoFactorOptions, "twoFactorPath" | "signInPath"> {
  /** Paths anyone may open (sign-in, password reset, the auth routes); each covers its sub-paths. */
  publicPaths: readonly string[];
  /** Where a signed-in visitor of the two-factor pages goes. @default "/" */
  homePath?: string;
}

/** `pathname === prefix || pathname.startsWith(`${prefix}/`)`, without building a string per request. */
function underPrefix(pathname: string, prefix: string) {
  return pathname.startsWith(prefix) && (pathname.length === prefix.length || pathname[prefix.length] === "/");
}

/** The gate for a host's paths; build it once per process, it decides per request. */
export function twoFactorGate(settings: GateSettings) {
  const { twoFactorPath, signInPath, publicPaths } = settings;
  const homePath = settings.homePath ?? "/";
  const isPublic = (pathname: string) => publicPaths.some((prefix) => underPrefix(pathname, prefix));
  const signInPages = [signInPath, twoFactorPath];

  function decide(input: GateInput): GateDecision {
    const { pathname } = input;
    // A session cookie may be stale (ended on the server by a password reset), so only the server
    // decides whether a visitor of sign-in is really signed in; redirecting here could loop.
    if (isPublic(pathname)) return { action: "allow" };
    if (underPrefix(pathname, twoFactorPath)) {
      if (input.hasPendingSignIn) return { action: "allow" };
      return { action: "redirect", to: input.hasSession ? homePath : signInPath };
    }
    if (input.hasSession) return { action: "allow" };
    if (input.isApi) return { action: "deny", status: 401 };
    if (input.hasPendingSignIn) return { action: "redirect", to: twoFactorPath };
    const returnTo = safeReturnPath(`${pathname}${input.search}`, "/", signInPages);
    return { action: "redirect", to: returnTo === "/" ? signInPath : `${signInPath}?callbackUrl=${encodeURIComponent(returnTo)}` };
  }

  /**
   * `decide`, reading only the cookies the decision depends on: nothing for public paths, the
   * pending sign-in first on the two-factor pages, the session first everywhere else. A signed-in
   * page request costs one decryption. A decision, not a promise, when the readers answer at once.
   */
  function decideFromCookies(route: Pick<GateInput, "pathname" | "search" | "isApi">, cookies: GateCookies): MaybePromise<GateDecision> {
    if (isPublic(route.pathname)) return decide({ ...route, hasSession: false, hasPendingSignIn: false });
    if (underPrefix(route.pathname, twoFactorPath)) {
      return andThen(cookies.hasPendingSignIn(), (hasPendingSignIn) =>
        hasPendingSignIn
          ? decide({ ...route, hasPendingSignIn, hasSession: false })
          : andThen(cookies.hasSession(), (hasSession) => decide({ ...route, hasPendingSignIn, hasSession })),
      );
    }
    return andThen(cookies.hasSession(), (hasSession) =>
      hasSession
        ? decide({ ...route, hasSession, hasPendingSignIn: false })
        : andThen(cookies.hasPendingSignIn(), (hasPendingSignIn) => decide({ ...route, hasSession, hasPendingSignIn })),
    );
  }

  return { decide, decideFromCookies };
}
