import type { CookieReader } from "./cookies";
import type { TwoFactorCookies } from "./cookies";
import { hasRecentSecondFactor } from "./confirm";

/** The cookies a host's session strategy reads: Next.js's `cookies()` and `request.cookies` fit, as does the handler's reader. */
export interface SessionCookies extends CookieReader {
  getAll(): { name: string; value: string }[];
}

/** An organization role the plugin knows: owners and admins manage members' second factors. */
export type OrganizationRole = "owner" | "admin" | "member";

/**
 * The host's answer to "who is this user": a live session whose sign-in is complete (the second
 * factor done when it was due). `authTime`: when the session began (ms); `amr`: the methods used.
 */
export interface TwoFactorSession {
  userId: string;
  authTime: number;
  amr: string[];
  organizationId: string | null;
  role: OrganizationRole | null;
}

/** The host's session strategy, asked on every signed-in step and check: null when nobody is signed in. */
export type GetSession = (cookies: SessionCookies, now: Date) => Promise<TwoFactorSession | null>;

export type AdminSession = TwoFactorSession & { organizationId: string; role: "owner" | "admin" };

export type AdminCheck = { ok: true; session: AdminSession } | { ok: false; code: "UNAUTHENTICATED" | "FORBIDDEN" };

/** Owners and admins of the session's organization; nobody else, whatever the session claims besides. */
export function organizationAdminOf(session: TwoFactorSession | null): AdminCheck {
  if (!session) return { ok: false, code: "UNAUTHENTICATED" };
  if (!session.organizationId || (session.role !== "owner" && session.role !== "admin")) return { ok: false, code: "FORBIDDEN" };
  return { ok: true, session: session as AdminSession };
}

/**
 * The server-side checks a host's pages, actions and routes call. Each answers a value and never
 * throws a redirect: the host's edge decides what a refusal does (a redirect, a 403, a message).
 */
export function twoFactorChecks(parts: {
  getSession: GetSession;
  cookies: TwoFactorCookies;
  sessionPassword: string;
  confirmationTtlMs: number;
  now: () => Date;
}) {
  return {
    /** Signed in with the second factor done: the host's session answer, or null. */
    session: (cookies: SessionCookies): Promise<TwoFactorSession | null> => parts.getSession(cookies, parts.now()),
    /** An owner or admin of their organization: the session, or UNAUTHENTICATED / FORBIDDEN. */
    organizationAdmin: organizationAdminOf,
    /** The session did its second factor within `confirmationTtlMs`: at sign-in, or on "Confirm it's you". */
    async recentSecondFactor(cookies: CookieReader, session: Pick<TwoFactorSession, "userId" | "authTime" | "amr">, now: Date = parts.now()): Promise<boolean> {
      const nowMs = now.getTime();
      const confirmedAt = await parts.cookies.confirmation.read(cookies, session, parts.sessionPassword, nowMs);
      return hasRecentSecondFactor(session, confirmedAt, nowMs, parts.confirmationTtlMs);
    },
  };
}

export type TwoFactorChecks = ReturnType<typeof twoFactorChecks>;
