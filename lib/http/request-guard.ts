import { ERROR_MESSAGES, type ErrorCode } from "../errors";
import { declaredLength } from "./bounded-body";

/**
 * Requests Next.js itself would answer with a 500, answered first (by the middleware) with a 4xx
 * and a message. Edge-safe. Next.js fails with a 500 on: a path segment with a broken %-escape
 * (a dynamic route cannot decode it); a server action whose Origin does not name the host it was
 * sent to (its CSRF check throws); an action body over its 1 MB limit; an action body it cannot
 * parse.
 */

/** Next.js's own limit for a server action's body (1 MB); nothing here takes a larger body. */
export const REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;

/** Route handlers check their own origin and read their own bodies (bounded), or take none (health, cron: GET only); Next.js runs no action there. */
export const ROUTE_HANDLER_PATHS = ["/api/auth/", "/api/two-factor/", "/api/health", "/api/cron/", "/oauth/", "/api/oauth/", "/api/v1/"] as const;

export interface GuardedRequest {
  method: string;
  pathname: string;
  headers: Headers;
  /** The body, read by the checks that need it (a server action's). */
  text: () => Promise<string>;
  formData: () => Promise<FormData>;
}

function refusal(status: number, code: ErrorCode): Response {
  return Response.json({ ok: false, error: ERROR_MESSAGES[code] }, { status, headers: { "cache-control": "no-store" } });
}

function hasBrokenEscape(pathname: string): boolean {
  if (!pathname.includes("%")) return false;
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/** What Next.js treats as a server action (a fetch action, or a no-JavaScript form post) outside the route handlers. */
export function isServerActionRequest(request: Pick<GuardedRequest, "method" | "pathname" | "headers">): boolean {
  if (request.method !== "POST") return false;
  if (ROUTE_HANDLER_PATHS.some((path) => request.pathname === path || (path.endsWith("/") && request.pathname.startsWith(path)))) return false;
  return request.headers.has("next-action") || (request.headers.get("content-type") ?? "").startsWith("multipart/form-data");
}

/**
 * Next.js's CSRF check of server actions, exactly (so a legitimate proxy passes it as it passes
 * Next.js's): with an Origin, its host must equal the first x-forwarded-host entry when a proxy
 * set one, else Host. No Origin passes, as in Next.js (a browser always sends one on a POST).
 */
export function actionOriginMatches(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (origin === null) return true;
  let originHost = "null";
  if (origin !== "null") {
    try {
      originHost = new URL(origin).host;
    } catch {
      return false;
    }
  }
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  return Boolean(host) && originHost === host;
}

async function actionBodyReadable(request: GuardedRequest): Promise<boolean> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.startsWith("multipart/form-data")) await request.formData();
    else if (request.headers.has("next-action") && type.startsWith("text/plain")) JSON.parse(await request.text());
    return true;
  } catch {
    return false;
  }
}

/** The refusal for this request, or null when it may go on; a promise only when an action's body must be read. */
export function requestRefusal(request: GuardedRequest): Response | null | Promise<Response | null> {
  if (hasBrokenEscape(request.pathname)) return refusal(400, "INVALID_ADDRESS");
  const length = declaredLength(request.headers);
  if (length !== null && length > REQUEST_BODY_LIMIT_BYTES) return refusal(413, "BODY_TOO_LARGE");
  if (!isServerActionRequest(request)) return null;
  if (!actionOriginMatches(request.headers)) return refusal(400, "CROSS_SITE");
  if (length === null) return refusal(411, "LENGTH_REQUIRED");
  return actionBodyReadable(request).then((readable) => (readable ? null : refusal(400, "MALFORMED_BODY")));
}
