import { requestInfoFromHeaders } from "../http/client-ip";
import { safeReturnPath } from "../return-path";
import { continueHandedOffSignIn } from "./first-factor";
import type { TwoFactorFlowDeps } from "./flow";
import { requestCookies, setCookieHeader } from "./request-cookies";

/** The URL's step for the continue step: a GET, reached by next-auth's redirect after a first factor. */
export const CONTINUE_STEP = "sign-in/continue";

/** next-auth's callback URL cookie (either name): where the sign-in was asked to end. */
const CALLBACK_URL_COOKIES = ["__Secure-authjs.callback-url", "authjs.callback-url"];

/**
 * Where the browser returns after the sign-in: next-auth's callback URL, kept only when it is on
 * this origin and not a sign-in page (the one judge, lib/return-path.ts); else "/".
 */
export function returnPathOf(request: Request, jar: ReturnType<typeof requestCookies>, signInPages: readonly string[]): string {
  const value = CALLBACK_URL_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  if (!value) return "/";
  try {
    const here = new URL(request.url);
    const url = new URL(value, here);
    if (url.origin !== here.origin) return "/";
    return safeReturnPath(`${url.pathname}${url.search}`, "/", signInPages);
  } catch {
    return "/";
  }
}

/**
 * GET …/sign-in/continue?ticket=…: the ticket next-auth's sign-in callback was given (see
 * ./next-auth) is redeemed once; the answer is a 303 to the session's page, or to setup or the
 * challenge, with the cookies the step decided. Never cached: it may carry the session cookie.
 */
export async function continueRoute(request: Request, deps: TwoFactorFlowDeps): Promise<Response> {
  const ticket = new URL(request.url).searchParams.get("ticket");
  const jar = requestCookies(request.headers.get("cookie"));
  const { signInPath, twoFactorPath } = deps.options;
  const done =
    ticket && /^[A-Za-z0-9_-]{16,128}$/.test(ticket)
      ? await continueHandedOffSignIn(deps, {
          ticket,
          returnTo: returnPathOf(request, jar, [signInPath, twoFactorPath]),
          cookies: jar,
          request: requestInfoFromHeaders(request.headers),
        })
      : { cookies: [], redirectTo: `${signInPath}?expired=1` };
  const headers = new Headers({ location: done.redirectTo ?? "/", "cache-control": "no-store", "referrer-policy": "no-referrer" });
  for (const cookie of done.cookies) headers.append("set-cookie", setCookieHeader(cookie));
  return new Response(null, { status: 303, headers });
}
