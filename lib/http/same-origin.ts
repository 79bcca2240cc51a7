/**
 * Whether a state-changing request comes from this site's own pages: its Origin names the host
 * the request was sent to (x-forwarded-host behind a proxy, else Host), as Next.js checks server
 * actions. Route handlers that act on cookies check it themselves (CSRF). No Origin: refused.
 */
export function isSameOriginRequest(headers: Headers): boolean {
  const origin = headers.get("origin");
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!origin || !host || origin === "null") return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
