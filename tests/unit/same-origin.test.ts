import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "@/lib/http/same-origin";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("isSameOriginRequest (CSRF check of the cookie-acting route handlers)", () => {
  it("accepts a request whose Origin names the host it was sent to", () => {
    expect(isSameOriginRequest(headers({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }))).toBe(true);
    expect(isSameOriginRequest(headers({ origin: "https://Portal.example.com", host: "portal.example.com" }))).toBe(true);
  });

  it("behind a proxy, compares with x-forwarded-host instead of Host", () => {
    expect(isSameOriginRequest(headers({ origin: "https://portal.example.com", host: "10.0.0.5:3000", "x-forwarded-host": "portal.example.com" }))).toBe(true);
    expect(isSameOriginRequest(headers({ origin: "https://10.0.0.5:3000", host: "10.0.0.5:3000", "x-forwarded-host": "portal.example.com" }))).toBe(false);
  });

  it("refuses another site, another port, a missing Origin, the opaque origin and garbage", () => {
    expect(isSameOriginRequest(headers({ origin: "https://attacker.example", host: "portal.example.com" }))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "http://127.0.0.1:3001", host: "127.0.0.1:3000" }))).toBe(false);
    expect(isSameOriginRequest(headers({ host: "portal.example.com" }))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "null", host: "portal.example.com" }))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "not a url", host: "portal.example.com" }))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "https://portal.example.com.attacker.example", host: "portal.example.com" }))).toBe(false);
  });
});
