import { cookies, headers } from "next/headers";
import { requestInfoFromHeaders } from "../http/client-ip";
import { portalTwoFactor } from "../server";
import { applyCookies } from "./cookies";

const CONTINUE_PATH = "/api/two-factor/sign-in/continue";

/**
 * After next-auth's Credentials provider answered a server action with the plugin's continue URL:
 * runs the continue step here (its cookies set on this answer) and gives where the browser goes.
 * Any other URL (next-auth's own) is given back as it is.
 */
export async function continueSignInHere(url: string, returnTo: string): Promise<string> {
  const parsed = new URL(url, "http://action.invalid");
  const ticket = parsed.searchParams.get("ticket");
  if (parsed.pathname !== CONTINUE_PATH || !ticket) return url;
  const requestHeaders = await headers();
  const done = await portalTwoFactor().continueSignIn({
    ticket,
    returnTo,
    cookies: await cookies(),
    request: requestInfoFromHeaders(requestHeaders),
    requestHost: requestHeaders.get("host"),
  });
  await applyCookies(done.cookies);
  return done.redirectTo ?? returnTo;
}
