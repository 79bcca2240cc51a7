// Any special-scheme origin will do: the input is resolved as a browser would resolve it (dot
// segments, %2e, backslashes, tabs and newlines), and only its path, query and fragment are kept.
const ORIGIN = "https://return-path.invalid";
const MAX_LENGTH = 2048;

/** The portal's pages that start a sign-in: returning to them would only loop. A host names its own. */
export const SIGN_IN_PAGES: readonly string[] = ["/sign-in", "/two-factor"];

function isUnder(pathname: string, prefix: string): boolean {
  if (prefix === "/") return true;
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

function resolvedSameOrigin(value: string): URL | null {
  try {
    const url = new URL(value, `${ORIGIN}/`);
    return url.origin === ORIGIN ? url : null;
  } catch {
    return null;
  }
}

/**
 * The one judge of every return path (after sign-in, the second factor, setup, a confirmation,
 * the sign-in page visited while signed in, the middleware's callbackUrl): the value is resolved
 * with the WHATWG URL parser first, and kept only when it stays on this origin and under `scope`
 * (default "/") and not on a page that starts a sign-in (`signInPages`: the host's sign-in and
 * two-factor paths); otherwise the answer is `scope`. The answer is itself safe to hand to a browser:
 * a single "/" followed by neither "/" nor "\", with no whitespace or control character, so it
 * resolves to this origin against any page of the portal.
 */
export function safeReturnPath(value: unknown, scope = "/", signInPages: readonly string[] = SIGN_IN_PAGES): string {
  if (typeof value !== "string" || value.length > MAX_LENGTH) return scope;
  // Only a path from the root ("/…", or "\…" as a browser reads it): a relative value such as
  // "%2F%2Fevil.example" (decoded once) would land on a page nobody asked for.
  // eslint-disable-next-line no-control-regex
  if (!/^[\u0000-\u0020]*[/\\]/.test(value)) return scope;
  const url = resolvedSameOrigin(value);
  if (!url) return scope;
  if (!isUnder(url.pathname, scope) || signInPages.some((page) => isUnder(url.pathname, page))) return scope;
  // The parser leaves "\" in a query or fragment; encoded, it cannot read as a slash anywhere.
  const path = `${url.pathname}${url.search}${url.hash}`.replaceAll("\\", "%5C");
  // "/..//host" resolves to the path "//host": same origin here, another host as a string.
  // eslint-disable-next-line no-control-regex
  if (!path.startsWith("/") || path.startsWith("//") || /[\u0000-\u0020\u007f]/.test(path)) return scope;
  return path;
}
