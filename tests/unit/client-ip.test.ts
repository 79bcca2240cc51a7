import { describe, expect, it } from "vitest";
import { clientIpFromHeaders, ipRateLimitKey } from "@/lib/http/client-ip";

describe("client address and the per-IP limit key", () => {
  it("takes the entry the nearest proxy wrote (rightmost x-forwarded-for)", () => {
    expect(clientIpFromHeaders(new Headers({ "x-forwarded-for": "1.2.3.4, 198.51.100.9" }))).toBe("198.51.100.9");
    expect(clientIpFromHeaders(new Headers({ "x-forwarded-for": "::ffff:198.51.100.9" }))).toBe("198.51.100.9");
    expect(clientIpFromHeaders(new Headers())).toBe("unknown");
  });

  it("counts IPv6 addresses per /64, so rotating the interface id does not escape the limit", () => {
    const a = ipRateLimitKey("2001:db8:abcd:12::1");
    const b = ipRateLimitKey("2001:0db8:abcd:0012:ffff:eeee:dddd:cccc");
    const other = ipRateLimitKey("2001:db8:abcd:13::1");
    expect(a).toBe(b);
    expect(a).not.toBe(other);
    expect(ipRateLimitKey("::1")).toBe("0:0:0:0::/64");
  });

  it("counts IPv4 addresses one by one", () => {
    expect(ipRateLimitKey("203.0.113.7")).toBe("203.0.113.7");
  });
});
