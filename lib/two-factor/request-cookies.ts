import type { CookieInstruction } from "./cookies";
import type { SessionCookies } from "./session";

/**
 * A request's cookies read from its Cookie header, and a cookie instruction written as a
 * Set-Cookie header: what a Web-standard handler needs without a framework's cookie helpers.
 * Values are percent-encoded on the way out and decoded on the way in, as Next.js's cookies do.
 */
export function requestCookies(header: string | null): SessionCookies {
  const jar = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!name || jar.has(name)) continue;
    jar.set(name, decoded(part.slice(at + 1).trim()));
  }
  return {
    get: (name) => (jar.has(name) ? { value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
  };
}

function decoded(value: string): string {
  const unquoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return unquoted;
  }
}

export function setCookieHeader({ name, value, attributes }: CookieInstruction): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${attributes.path}`];
  if (attributes.maxAge !== undefined) parts.push(`Max-Age=${attributes.maxAge}`);
  if (attributes.expires) parts.push(`Expires=${attributes.expires.toUTCString()}`);
  if (attributes.maxAge === 0 && !attributes.expires) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (attributes.httpOnly) parts.push("HttpOnly");
  if (attributes.secure) parts.push("Secure");
  parts.push("SameSite=Lax");
  return parts.join("; ");
}
