import { ERROR_MESSAGES, type ErrorCode } from "../errors";
import { FORM_BODY_LIMIT_BYTES, formDataOf, readBoundedBody } from "../http/bounded-body";
import { requestInfoFromHeaders } from "../http/client-ip";
import { isSameOriginRequest } from "../http/same-origin";
import type { ActionState } from "./action-state";
import { CONTINUE_STEP, continueRoute } from "./continue-route";
import type { TwoFactorFlowDeps } from "./flow";
import { requestCookies, setCookieHeader } from "./request-cookies";
import { isTwoFactorStepName, TWO_FACTOR_STEPS, type StepAnswer, type StepHost, type TwoFactorStepName } from "./steps";

/** A step failed unexpectedly (the database, most often): the host says it in its log; the answer is 503. */
export type StepErrorReporter = (error: unknown, step: TwoFactorStepName | typeof CONTINUE_STEP) => void;

/**
 * The step a URL names: its last two path segments, exactly one of the steps' names (the host
 * mounts the handler under any path). Another case, a trailing slash or an encoded slash names none.
 */
export function stepOfPath(pathname: string): TwoFactorStepName | null {
  const segments = pathname.split("/");
  if (segments.length < 3) return null;
  const name = segments.slice(-2).join("/");
  return isTwoFactorStepName(name) ? name : null;
}

function json(state: ActionState, status: number, cookies: StepAnswer["cookies"] = []): Response {
  // The answer may carry the session cookie: never stored by a cache.
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  for (const cookie of cookies) headers.append("set-cookie", setCookieHeader(cookie));
  return new Response(JSON.stringify(state), { status, headers });
}

const refusal = (code: ErrorCode, status: number) => json({ ok: false, error: ERROR_MESSAGES[code] }, status);

/**
 * The plugin's route handler: one Web-standard `(request) => Response` for every posting step,
 * a Next.js route handler's POST as it is. It sets cookies, so it checks the request's origin
 * itself (CSRF), and reads a bounded body before parsing it.
 */
export function twoFactorHandler(parts: { deps: (request: { host: string | null }) => Promise<TwoFactorFlowDeps>; host: StepHost; onError?: StepErrorReporter }) {
  return async function handler(request: Request): Promise<Response> {
    const pathname = new URL(request.url).pathname;
    if (pathname.endsWith(`/${CONTINUE_STEP}`)) return continueAfterRedirect(request);
    const step = stepOfPath(pathname);
    if (!step) return refusal("NOT_FOUND", 404);
    if (request.method !== "POST") return refusal("METHOD_NOT_ALLOWED", 405);
    if (!isSameOriginRequest(request.headers)) return refusal("CROSS_SITE", 403);
    // Bounded before parsing: a form is a few fields, and an unbounded body is parsed whole.
    const body = await readBoundedBody(request, FORM_BODY_LIMIT_BYTES);
    if (!body.ok) return refusal(body.code, body.code === "BODY_TOO_LARGE" ? 413 : 400);
    const form = await formDataOf(body.bytes, request.headers.get("content-type"));
    if (!form) return refusal("MALFORMED_BODY", 400);
    try {
      const deps = await parts.deps({ host: request.headers.get("host") });
      const done = await TWO_FACTOR_STEPS[step]({ deps, form, cookies: requestCookies(request.headers.get("cookie")), request: requestInfoFromHeaders(request.headers), host: parts.host });
      return json(done.state, done.status, done.cookies);
    } catch (error) {
      // Fails closed: no cookie is set, and each step's writes are one transaction or none.
      parts.onError?.(error, step);
      return refusal("SERVICE_UNAVAILABLE", 503);
    }
  };

  // A top-level GET from next-auth's redirect (a cross-site one, from the identity provider's
  // page): the single-use ticket, not the origin, is what it needs.
  async function continueAfterRedirect(request: Request): Promise<Response> {
    if (request.method !== "GET") return refusal("METHOD_NOT_ALLOWED", 405);
    try {
      return await continueRoute(request, await parts.deps({ host: request.headers.get("host") }));
    } catch (error) {
      parts.onError?.(error, CONTINUE_STEP);
      return refusal("SERVICE_UNAVAILABLE", 503);
    }
  }
}
