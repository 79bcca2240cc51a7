import { NextRequest } from "next/server";
import { SESSION_COOKIE_NAMES, sessionCookieOf, type CookieJar } from "./session-token";

type RouteHandler = (request: NextRequest) => Promise<Response>;

// next-auth reads its session from every cookie whose name starts with the session cookie's name
// (its chunks), so each of those is the session as far as it is concerned.
const isSessionCookie = (name: string) => SESSION_COOKIE_NAMES.some((sessionName) => name.startsWith(sessionName));

function cookiePairs(header: string | null): { name: string; pair: string }[] {
  return (header ?? "")
    .split(";")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => ({ name: pair.split("=", 1)[0]!.trim(), pair }));
}

/** A Set-Cookie value that clears a session cookie (or one of its chunks). */
export function expiredCookie(name: string): string {
  // A __Secure- cookie is only replaced by a Secure one.
  return `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`;
}

/**
 * Wraps next-auth's route handler (GET or POST) so that its routes see a session exactly when the
 * server-side check does (`isLive`: lib/auth/live-session.ts). next-auth alone would answer
 * `/api/auth/session` for any cookie it can decode: a copy kept after sign-out, a password reset
 * or a 2FA reset, or a token whose expiry its own session route kept sliding past the session's
 * fixed lifetime. A refused session reaches next-auth as no cookie at all (so the answer is
 * next-auth's own `null`, and sign-out still works) and the browser is told to drop it; a live one
 * reaches it as the one cookie the check read, so next-auth answers for that session only.
 */
export function withSessionJudgedByServer(handler: RouteHandler, isLive: (cookies: CookieJar) => Promise<boolean>): RouteHandler {
  return async (request) => {
    const pairs = cookiePairs(request.headers.get("cookie"));
    const session = pairs.filter((p) => isSessionCookie(p.name));
    if (session.length === 0) return handler(request);
    const read = sessionCookieOf(request.cookies);
    const live = read !== null && (await isLive(request.cookies));
    const headers = new Headers(request.headers);
    const kept = pairs.filter((p) => !isSessionCookie(p.name)).map((p) => p.pair);
    if (live) kept.push(`${read.name}=${read.value}`);
    if (kept.length > 0) headers.set("cookie", kept.join("; "));
    else headers.delete("cookie");
    // Rebuilt from its parts: inside Next.js the incoming request is of another Request class.
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    const answer = await handler(new NextRequest(request.url, { method: request.method, headers, body }));
    if (live) return answer;
    const response = new Response(answer.body, answer);
    for (const name of new Set(session.map((p) => p.name))) response.headers.append("set-cookie", expiredCookie(name));
    return response;
  };
}
