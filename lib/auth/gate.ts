import { andThen, type MaybePromise } from "../edge-crypto";
import { portalPaths } from "./portal-cookies";
import { safeReturnPath } from "../return-path";

/**
 * The middleware's decision, from cookies alone (no database at the edge). It is only the
 * first line: every page, action and route handler checks again on the server (lib/auth/dal.ts).
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

const SIGN_IN = portalPaths.signIn;
const PUBLIC_PREFIXES = [SIGN_IN, "/password-reset", "/api/auth", "/dev/outbox"];
const TWO_FACTOR_PREFIX = portalPaths.twoFactor;

/** `pathname === prefix || pathname.startsWith(`${prefix}/`)`, without building a string per request. */
function underPrefix(pathname: string, prefix: string) {
  return pathname.startsWith(prefix) && (pathname.length === prefix.length || pathname[prefix.length] === "/");
}

export function decideGate(input: GateInput): GateDecision {
  const { pathname } = input;
  // A session cookie may be stale (ended on the server by a password reset), so only the server
  // decides whether a visitor of sign-in is really signed in; redirecting here could loop.
  if (PUBLIC_PREFIXES.some((prefix) => underPrefix(pathname, prefix))) return { action: "allow" };
  if (underPrefix(pathname, TWO_FACTOR_PREFIX)) {
    if (input.hasPendingSignIn) return { action: "allow" };
    return { action: "redirect", to: input.hasSession ? "/" : SIGN_IN };
  }
  if (input.hasSession) return { action: "allow" };
  if (input.isApi) return { action: "deny", status: 401 };
  if (input.hasPendingSignIn) return { action: "redirect", to: TWO_FACTOR_PREFIX };
  const returnTo = safeReturnPath(`${pathname}${input.search}`);
  return {
    action: "redirect",
    to: returnTo === "/" ? SIGN_IN : `${SIGN_IN}?callbackUrl=${encodeURIComponent(returnTo)}`,
  };
}

/** Each reader answers at once where it can (node:crypto), or with a promise (WebCrypto). */
export interface GateCookies {
  hasSession(): MaybePromise<boolean>;
  hasPendingSignIn(): MaybePromise<boolean>;
}

/**
 * decideGate, reading only the cookies the decision depends on: nothing for public paths, the
 * pending sign-in first on the two-factor pages, the session first everywhere else. A signed-in
 * page request costs one decryption. A decision, not a promise, when the readers answer at once.
 */
export function decideGateFromCookies(
  route: Pick<GateInput, "pathname" | "search" | "isApi">,
  cookies: GateCookies,
): MaybePromise<GateDecision> {
  if (PUBLIC_PREFIXES.some((prefix) => underPrefix(route.pathname, prefix))) {
    return decideGate({ ...route, hasSession: false, hasPendingSignIn: false });
  }
  if (underPrefix(route.pathname, TWO_FACTOR_PREFIX)) {
    return andThen(cookies.hasPendingSignIn(), (hasPendingSignIn) =>
      hasPendingSignIn
        ? decideGate({ ...route, hasPendingSignIn, hasSession: false })
        : andThen(cookies.hasSession(), (hasSession) => decideGate({ ...route, hasPendingSignIn, hasSession })),
    );
  }
  return andThen(cookies.hasSession(), (hasSession) =>
    hasSession
      ? decideGate({ ...route, hasSession, hasPendingSignIn: false })
      : andThen(cookies.hasPendingSignIn(), (hasPendingSignIn) => decideGate({ ...route, hasSession, hasPendingSignIn })),
  );
}
