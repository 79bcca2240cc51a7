import { isIPv6 } from "node:net";

/**
 * The client address from the request headers. The rightmost x-forwarded-for entry is the one
 * written by the nearest proxy (Vercel overwrites the header; `next start` adds the socket
 * address when the header is absent). Without a proxy in front a client can forge it: the
 * per-account limits do not depend on it.
 */
export function clientIpFromHeaders(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const candidate = forwarded?.split(",").map((part) => part.trim()).filter(Boolean).pop() ?? headers.get("x-real-ip");
  return normalizeIp(candidate ?? "unknown");
}

function normalizeIp(ip: string): string {
  const trimmed = ip.replace(/^\[|\]$/g, "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  return trimmed.slice(0, 64);
}

/** The key a per-IP limit counts under: the address itself for IPv4, its /64 for IPv6. */
export function ipRateLimitKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const groups = expandIpv6(ip);
  return `${groups.slice(0, 4).join(":")}::/64`;
}

function expandIpv6(ip: string): string[] {
  const [head = "", tail] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array(Math.max(missing, 0)).fill("0"), ...tailGroups];
  return groups.map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""));
}

export interface RequestInfo {
  ip: string;
  userAgent: string | null;
}

export function requestInfoFromHeaders(headers: Headers): RequestInfo {
  return { ip: clientIpFromHeaders(headers), userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
