const BASE = "http://return-path.invalid";

/**
 * A return path after sign-in: only a same-origin relative path is kept; anything else
 * (absolute URLs, protocol-relative "//host", backslash tricks, control characters) becomes "/".
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return "/";
    const path = `${url.pathname}${url.search}${url.hash}`;
    if (path.startsWith("/sign-in") || path.startsWith("/two-factor")) return "/";
    return path;
  } catch {
    return "/";
  }
}
