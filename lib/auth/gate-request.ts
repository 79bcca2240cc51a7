import { andThen, type MaybePromise } from "../edge-crypto";
import { decideGateFromCookies, type GateCookies, type GateDecision } from "./gate";
import { portalCookies } from "./portal-cookies";
import { mayHoldDatabaseSession } from "./database-session-cookie";
import { readSessionClaims, type CookieJar } from "./session-token";

/** What the gate reads of a request: its path and query, and its cookies. */
export interface GateRequest {
  pathname: string;
  search: string;
  cookies: CookieJar;
}

/** The secrets the gate needs; middleware.ts passes `process.env`, read only when a cookie is. */
export interface GateEnv {
  readonly [name: string]: string | undefined;
  readonly AUTH_SECRET?: string;
  readonly SESSION_PASSWORD?: string;
  readonly AUTH_SESSION_STRATEGY?: string;
}

const found = (value: unknown) => value !== null;

// A class rather than two closures per request: nothing to allocate but the object.
class RequestCookies implements GateCookies {
  private readonly cookies: CookieJar;
  private readonly env: GateEnv;
  private readonly nowMs: number;

  constructor(cookies: CookieJar, env: GateEnv, nowMs: number) {
    this.cookies = cookies;
    this.env = env;
    this.nowMs = nowMs;
  }

  hasSession(): MaybePromise<boolean> {
    // A database session cannot be judged without the database: the server's check does (lib/auth/dal.ts).
    if (this.env.AUTH_SESSION_STRATEGY === "database") return mayHoldDatabaseSession(this.cookies);
    return andThen(readSessionClaims(this.cookies, this.env.AUTH_SECRET, this.nowMs), found);
  }

  hasPendingSignIn(): MaybePromise<boolean> {
    const password = this.env.SESSION_PASSWORD ?? "";
    if (password.length < 32) return false;
    return andThen(portalCookies.pendingSignIn.read(this.cookies, password, this.nowMs), found);
  }
}

/**
 * The middleware's whole decision for one request, from its cookies: what middleware.ts calls and
 * item 2 of the bench times. A decision, not a promise, on Node once the session keys are derived.
 */
export function decideGateForRequest(request: GateRequest, env: GateEnv, nowMs: number): MaybePromise<GateDecision> {
  const { pathname, search } = request;
  return decideGateFromCookies({ pathname, search, isApi: pathname.startsWith("/api/") }, new RequestCookies(request.cookies, env, nowMs));
}
