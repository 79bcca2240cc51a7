import type { NextAuthConfig } from "next-auth";
import type { Adapter, AdapterSession } from "next-auth/adapters";
import { decode, encode } from "next-auth/jwt";
import { randomToken } from "../../crypto";
import type { CookieInstruction, CookieReader } from "../cookies";
import type { AuthMethod, SessionGrant } from "../sign-in-ticket";

export interface NextAuthSessionSettings {
  /** next-auth's `session.strategy`. */
  strategy: "jwt" | "database";
  /** next-auth's secret (AUTH_SECRET): the JWT's key. */
  secret: string;
  /** The session's fixed lifetime, in seconds. @default 86400 */
  maxAgeSeconds?: number;
  /** `__Secure-` cookies (the site is served over https). */
  secureCookies: boolean;
  /** For database sessions: next-auth's adapter, whose sessions table has the plugin's columns (`twoFactorSessionColumns`). */
  adapter?: Adapter;
  /**
   * next-auth's events: `signIn` is told when the plugin starts a session (next-auth itself no
   * longer does, since the plugin holds every sign-in). @default undefined
   */
  events?: NextAuthConfig["events"];
}

/** A session as the plugin reads it: whose, how, and since when (ms). */
export interface NextAuthSessionClaims {
  userId: string;
  amr: AuthMethod[];
  authTime: number;
}

type PluginSession = AdapterSession & { amr: string[]; authTime: Date };

/**
 * next-auth's session, started and read by the plugin as next-auth would: its cookie name, its
 * JWT (salted with the cookie's name) or its adapter's session row. The row records the methods
 * the sign-in used (amr) and when it completed.
 */
export function nextAuthSessions(settings: NextAuthSessionSettings) {
  const maxAge = settings.maxAgeSeconds ?? 86_400;
  const cookieName = `${settings.secureCookies ? "__Secure-" : ""}authjs.session-token`;
  if (settings.strategy === "database" && !settings.adapter) throw new Error("database sessions need next-auth's adapter");

  async function startSession(grant: SessionGrant, now: Date): Promise<CookieInstruction[]> {
    const expires = new Date(now.getTime() + maxAge * 1000);
    let value: string;
    if (settings.strategy === "jwt") {
      value = await encode({ token: { sub: grant.userId, amr: grant.amr, authTime: now.getTime() }, secret: settings.secret, salt: cookieName, maxAge });
    } else {
      value = randomToken();
      const session: PluginSession = { sessionToken: value, userId: grant.userId, expires, amr: grant.amr, authTime: now };
      await settings.adapter!.createSession!(session);
    }
    await settings.events?.signIn?.({ user: { id: grant.userId }, account: null, isNewUser: false });
    return [{ name: cookieName, value, attributes: { httpOnly: true, sameSite: "lax", path: "/", secure: settings.secureCookies, expires } }];
  }

  /** The session in these cookies, or null: missing, undecodable, past its fixed lifetime, or deleted (signed out). */
  async function readSession(cookies: CookieReader, nowMs: number): Promise<NextAuthSessionClaims | null> {
    const token = cookies.get(cookieName)?.value;
    if (!token) return null;
    let claims: NextAuthSessionClaims | null = null;
    if (settings.strategy === "jwt") {
      const decoded = await decode({ token, secret: settings.secret, salt: cookieName }).catch(() => null);
      if (decoded && typeof decoded.sub === "string" && Array.isArray(decoded.amr) && typeof decoded.authTime === "number") {
        claims = { userId: decoded.sub, amr: decoded.amr as AuthMethod[], authTime: decoded.authTime };
      }
    } else {
      const found = await settings.adapter!.getSessionAndUser!(token);
      const session = found?.session as Partial<PluginSession> | undefined;
      if (session?.userId && session.expires && session.expires.getTime() > nowMs && session.authTime instanceof Date && Array.isArray(session.amr)) {
        claims = { userId: session.userId, amr: session.amr as AuthMethod[], authTime: session.authTime.getTime() };
      }
    }
    return claims && nowMs - claims.authTime < maxAge * 1000 && claims.authTime <= nowMs + 60_000 ? claims : null;
  }

  return { cookieName, startSession, readSession };
}
