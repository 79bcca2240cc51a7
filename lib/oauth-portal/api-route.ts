// The one wrapper of the /api/v1 route handlers (issue 19 §3): 404 when no app is registered, the
// caller checked (api-caller.ts) before any of the resource's code runs, 401 with WWW-Authenticate
// (RFC 6750 §3, RFC 9470) when the token or its sign-in does not hold, 503 when the database
// cannot say (fail closed: never an answer without the check). Every answer is JSON whose
// `error_description` is safe to show, never cached; no CORS headers: the API is for native apps.
import { ERROR_MESSAGES } from "../errors";
import { reportRouteFailure } from "../http/route-failure";
import { RETRY_AFTER_SECONDS } from "../http/unavailable";
import { challengeDescription, challengeFor, wwwAuthenticate, type BearerChallenge } from "../oauth/bearer-challenge";
import { checkApiCaller, portalApiDeps, type ApiDeps, type ApiMember } from "./api-caller";

/** What a resource answers for a checked caller: the 200's JSON body, or null when the account went away meanwhile. */
export type ApiResource<T> = (member: ApiMember, deps: ApiDeps) => Promise<T | null>;

export type ApiDepsSource = () => Promise<ApiDeps | null>;

/** GET and what Next.js derives from it (HEAD, OPTIONS): the methods every /api/v1 route allows. */
export const API_ALLOW = "GET, HEAD, OPTIONS";

const NO_STORE = { "cache-control": "no-store" } as const;

export function apiJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

export function apiError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return apiJson(status, { error, error_description: description }, headers);
}

const ERROR_OF: Record<BearerChallenge["kind"], string> = {
  "no-token": "unauthorized",
  "invalid-token": "invalid_token",
  "insufficient-user-authentication": "insufficient_user_authentication",
};

function unauthorized(challenge: BearerChallenge): Response {
  return apiError(401, ERROR_OF[challenge.kind], challengeDescription(challenge), { "www-authenticate": wwwAuthenticate(challenge) });
}

export const apiNotFound = () => apiError(404, "not_found", "This portal has no API for apps.");

export const apiUnavailable = () => apiError(503, "temporarily_unavailable", ERROR_MESSAGES.SERVICE_UNAVAILABLE, { "retry-after": String(RETRY_AFTER_SECONDS) });

/** For the methods a route does not have (RFC 9110 §15.5.6: with Allow). */
export const apiMethodNotAllowed = async () => apiError(405, "method_not_allowed", "This resource only answers GET.", { allow: API_ALLOW });

/** OPTIONS without CORS: says the methods, grants no other origin anything. */
export const apiOptions = async () => new Response(null, { status: 204, headers: { ...NO_STORE, allow: API_ALLOW } });

/** A route handler answering `resource` for a caller the token and today's sign-in rule let through. */
export function apiRoute<T>(name: string, resource: ApiResource<T>, source: ApiDepsSource = portalApiDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      const deps = await source();
      if (!deps) return apiNotFound();
      const check = await checkApiCaller(deps, request.headers.get("authorization"));
      if (!check.ok) return unauthorized(check.challenge);
      const body = await resource(check.member, deps);
      return body === null ? unauthorized(challengeFor("REVOKED")) : apiJson(200, body);
    } catch (error) {
      reportRouteFailure(`api ${name}`, error);
      return apiUnavailable();
    }
  };
}
