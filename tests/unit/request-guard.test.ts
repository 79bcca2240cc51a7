import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_MESSAGES } from "@/lib/errors";
import { actionOriginMatches, isServerActionRequest, REQUEST_BODY_LIMIT_BYTES, requestRefusal, type GuardedRequest } from "@/lib/http/request-guard";

function guarded(init: { method?: string; pathname?: string; headers?: Record<string, string>; body?: string }): GuardedRequest {
  const body = init.body ?? "";
  return {
    method: init.method ?? "GET",
    pathname: init.pathname ?? "/",
    headers: new Headers(init.headers),
    text: async () => body,
    formData: () => new Response(body, { headers: { "content-type": init.headers?.["content-type"] ?? "" } }).formData(),
  };
}

async function refusalOf(request: GuardedRequest) {
  const response = await requestRefusal(request);
  if (!response) return null;
  return { status: response.status, body: (await response.json()) as { ok: boolean; error: string } };
}

const SITE = { origin: "https://portal.example.com", host: "portal.example.com" };
const MULTIPART = "multipart/form-data; boundary=zz";
const FORM = '--zz\r\nContent-Disposition: form-data; name="0"\r\n\r\n["$K1"]\r\n--zz--\r\n';
const action = (headers: Record<string, string>, body = FORM) =>
  guarded({ method: "POST", pathname: "/account-settings", headers: { "next-action": "7f00", "content-type": MULTIPART, "content-length": String(body.length), ...headers }, body });

/** Every route handler under app/, as the path (or path prefix, for a catch-all) it serves. */
function routeHandlerPaths(dir = path.resolve("app"), segments: string[] = []): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile()) return entry.name === "route.ts" ? [`/${segments.join("/")}`] : [];
    if (/^\(.*\)$/.test(entry.name)) return routeHandlerPaths(path.join(dir, entry.name), segments);
    if (/^\[\.\.\..*\]$/.test(entry.name)) return [`/${segments.join("/")}/anything/at/all`];
    return routeHandlerPaths(path.join(dir, entry.name), [...segments, entry.name]);
  });
}

describe("requestRefusal (the middleware's answer to what Next.js would fail on with a 500)", () => {
  it("a path with a broken %-escape gets 400 with its message; a decodable one goes on", async () => {
    for (const pathname of ["/password-reset/%C3%28", "/password-reset/%ED%A0%80", "/api/auth/%E0%A4", "/x/%", "/x/%ZZ", "/%FF%FE.png"]) {
      expect(await refusalOf(guarded({ pathname })), pathname).toEqual({ status: 400, body: { ok: false, error: ERROR_MESSAGES.INVALID_ADDRESS } });
    }
    for (const pathname of ["/password-reset/%00", "/password-reset/caf%C3%A9", "/account-settings", "/a%2Fb"]) expect(await refusalOf(guarded({ pathname })), pathname).toBeNull();
  });

  it("no decodable path is refused and no undecodable one goes on (property)", async () => {
    const segment = fc.array(fc.oneof(fc.constantFrom("%", "%C3", "%28", "%ED%A0%80", "%E2%82%AC", "%00", "%ZZ", "%f0%9f%98%80"), fc.stringMatching(/^[a-z0-9._-]{0,3}$/)), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(segment, async (parts) => {
        const pathname = `/password-reset/${parts.join("")}`;
        let decodable = true;
        try {
          decodeURIComponent(pathname);
        } catch {
          decodable = false;
        }
        expect((await refusalOf(guarded({ pathname })))?.status ?? null).toBe(decodable ? null : 400);
      }),
      { numRuns: 300 },
    );
  });

  it(`a body declared over ${REQUEST_BODY_LIMIT_BYTES} bytes gets 413 on any path, before anything is read`, async () => {
    for (const pathname of ["/account-settings", "/api/two-factor/challenge/verify", "/api/auth/session", "/sign-in"]) {
      const request = guarded({ method: "POST", pathname, headers: { "content-length": String(REQUEST_BODY_LIMIT_BYTES + 1), "content-type": MULTIPART } });
      request.text = () => Promise.reject(new Error("the body was read"));
      request.formData = () => Promise.reject(new Error("the body was read"));
      expect(await refusalOf(request), pathname).toEqual({ status: 413, body: { ok: false, error: ERROR_MESSAGES.BODY_TOO_LARGE } });
    }
  });

  it("a server action whose Origin does not name the host it was sent to (forged X-Forwarded-Host, another site, null, garbage) gets 400", async () => {
    for (const headers of [
      { ...SITE, "x-forwarded-host": "evil.example" },
      { ...SITE, "x-forwarded-host": "evil.example, portal.example.com" },
      { origin: "https://evil.example", host: "portal.example.com" },
      { origin: "null", host: "portal.example.com" },
      { origin: "garbage", host: "portal.example.com" },
      { origin: "https://portal.example.com", host: "portal.example.com.evil.example" },
    ]) {
      expect(await refusalOf(action(headers)), JSON.stringify(headers)).toEqual({ status: 400, body: { ok: false, error: ERROR_MESSAGES.CROSS_SITE } });
      // A no-JavaScript form post (no Next-Action header) is a server action to Next.js too.
      const formPost = Object.fromEntries(action(headers).headers);
      delete formPost["next-action"];
      expect((await refusalOf(guarded({ method: "POST", pathname: "/account-settings", headers: formPost, body: FORM })))?.status).toBe(400);
    }
  });

  it("behind a proxy that sets X-Forwarded-Host to the public host, the same action goes on, as Next.js lets it", async () => {
    expect(await refusalOf(action({ origin: "https://portal.example.com", host: "10.0.0.5:3000", "x-forwarded-host": "portal.example.com" }))).toBeNull();
    expect(await refusalOf(action({ origin: "https://portal.example.com", host: "10.0.0.5:3000", "x-forwarded-host": "portal.example.com, 10.0.0.9" }))).toBeNull();
    expect(await refusalOf(action(SITE))).toBeNull();
    // Next.js lets an action without Origin through (no browser omits it on a POST): so does this.
    expect(await refusalOf(action({ host: "portal.example.com" }))).toBeNull();
  });

  it("a server action of no declared length gets 411, and one whose body cannot be read gets 400, without running", async () => {
    const chunked = action(SITE);
    chunked.headers.delete("content-length");
    expect(await refusalOf(chunked)).toEqual({ status: 411, body: { ok: false, error: ERROR_MESSAGES.LENGTH_REQUIRED } });
    for (const [type, body] of [
      [MULTIPART, "garbage"],
      ["multipart/form-data", FORM],
      ["text/plain;charset=UTF-8", "garbage"],
      ["text/plain;charset=UTF-8", '["unterminated'],
    ] as const) {
      expect(await refusalOf(action({ ...SITE, "content-type": type }, body)), `${type}: ${body}`).toEqual({ status: 400, body: { ok: false, error: ERROR_MESSAGES.MALFORMED_BODY } });
    }
    expect(await refusalOf(action({ ...SITE, "content-type": "text/plain;charset=UTF-8" }, '[{},"$K1"]'))).toBeNull();
  });

  it("every route handler under app/ is left to check its own origin and body: none is taken for a server action", () => {
    const paths = routeHandlerPaths();
    expect(paths).toContain("/api/two-factor/anything/at/all");
    for (const pathname of paths) {
      expect(isServerActionRequest({ method: "POST", pathname, headers: new Headers({ "content-type": MULTIPART, "next-action": "x" }) }), pathname).toBe(false);
    }
    for (const pathname of ["/sign-in", "/account-settings", "/two-factor/challenge", "/two-factor/challenge/verify", "/api/two-factorx/setup/send", "/api/authx"]) {
      expect(isServerActionRequest({ method: "POST", pathname, headers: new Headers({ "content-type": MULTIPART }) }), pathname).toBe(true);
    }
    expect(isServerActionRequest({ method: "GET", pathname: "/sign-in", headers: new Headers({ "next-action": "x" }) })).toBe(false);
  });
});

describe("actionOriginMatches", () => {
  it("is Next.js's comparison: exact host, first X-Forwarded-Host entry when set, else Host", () => {
    expect(actionOriginMatches(new Headers({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBe(true);
    expect(actionOriginMatches(new Headers({ origin: "http://localhost:3000", host: "localhost:3001" }))).toBe(false);
    expect(actionOriginMatches(new Headers({ origin: "http://localhost:3000", host: "localhost:3000", "x-forwarded-host": "" }))).toBe(true);
    expect(actionOriginMatches(new Headers({ origin: "http://localhost:3000", "x-forwarded-host": " localhost:3000 , other" }))).toBe(true);
    expect(actionOriginMatches(new Headers({ origin: "http://localhost:3000" }))).toBe(false);
  });
});
