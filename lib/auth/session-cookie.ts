import { headers } from "next/headers";
import type { CookieInstruction } from "../two-factor/cookies";
import { SESSION_MAX_AGE_SECONDS } from "./config.edge";
import type { SessionGrant } from "../two-factor/sign-in-ticket";
import { applyCookies } from "./cookies";
import { encodeSessionToken } from "./session-token";
import { getDb } from "../db/client";
import { createDatabaseSession } from "./database-session";
import { sessionStrategyFromEnv } from "./session-strategy";

/**
 * Whether next-auth sets its cookies as `__Secure-`: when the site's URL is https, taken from
 * AUTH_URL when set, else from the request (x-forwarded-proto, https when absent), as next-auth does.
 */
export function usesSecureCookies(env: { AUTH_URL?: string; NEXTAUTH_URL?: string }, forwardedProto: string | null): boolean {
  const siteUrl = env.AUTH_URL ?? env.NEXTAUTH_URL;
  if (siteUrl) return new URL(siteUrl).protocol === "https:";
  return (forwardedProto ?? "https").split(",")[0]!.trim().replace(/:$/, "") === "https";
}

/** next-auth's session token for these claims, salted with the cookie's name, as its jwt callback shapes them. */
export function sessionTokenFor(claims: { userId: string; amr: string[]; authTime: number }, secret: string, cookieName: string) {
  const token = { sub: claims.userId, amr: claims.amr, authTime: claims.authTime };
  return encodeSessionToken(token, secret, cookieName, claims.authTime, SESSION_MAX_AGE_SECONDS);
}

/**
 * The next-auth session cookie of a completed sign-in. With database sessions: a row in the
 * adapter's sessions table and its token. With JWTs: the token, claims and cookie that
 * next-auth's `signIn` would set, without running its request pipeline (an internal request,
 * CSRF, callbacks, a key derivation per token) on the verify path. The portal's session strategy,
 * handed to the core as `startSession`.
 */
export async function sessionCookies(grant: SessionGrant, now: Date): Promise<CookieInstruction[]> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  const secure = usesSecureCookies({ AUTH_URL: process.env.AUTH_URL, NEXTAUTH_URL: process.env.NEXTAUTH_URL }, (await headers()).get("x-forwarded-proto"));
  const name = `${secure ? "__Secure-" : ""}authjs.session-token`;
  if (sessionStrategyFromEnv() === "database") {
    const { token, expires } = await createDatabaseSession(await getDb(), grant, now);
    return [{ name, value: token, attributes: { httpOnly: true, sameSite: "lax", path: "/", secure, expires } }];
  }
  const token = await sessionTokenFor({ userId: grant.userId, amr: grant.amr, authTime: now.getTime() }, secret, name);
  return [{ name, value: token, attributes: { httpOnly: true, sameSite: "lax", path: "/", secure, expires: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) } }];
}

/** Starts the session of a sign-in that needs no second factor (or whose factors are done). */
export async function startSession(grant: SessionGrant, now: Date): Promise<void> {
  await applyCookies(await sessionCookies(grant, now));
}
