import { Auth } from "@auth/core";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { checkAuthRequest } from "@/lib/auth/auth-request";
import { ERROR_MESSAGES } from "@/lib/errors";
import { FORM_BODY_LIMIT_BYTES } from "@/lib/http/bounded-body";

const BASE = "http://portal.test";
const quiet = { error() {}, warn() {}, debug() {} };
/** next-auth's own core with the portal's settings (no provider), answering as the /api/auth routes do. */
const core = (request: Request) => Auth(request, { secret: "s".repeat(40), trustHost: true, providers: [], basePath: "/api/auth", logger: quiet });

const callbackUrl = fc.oneof(
  fc.constantFrom("/", "/security", "http://portal.test/x", "https://elsewhere.example/", "abc", "", "//evil.example", "javascript:alert(1)", "ftp://x", "http:", "/\u0000", "\u0000", "%E0%A4", "http://[::1", "https://exa mple.com"),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.tuple(fc.constantFrom("", "/", "http://", "https://", "mailto:", "data:"), fc.string({ maxLength: 12 })).map(([a, b]) => a + b),
);
const cookieSafe = (value: string) => encodeURIComponent(value);

async function refusedBy(request: () => NextRequest) {
  const checked = await checkAuthRequest(request());
  return checked.ok ? null : checked.response;
}

describe("checkAuthRequest (what reaches next-auth's /api/auth routes)", () => {
  it("refuses with 400 exactly the callback URLs, in the query or the cookie, that next-auth answers with a 500", async () => {
    await fc.assert(
      fc.asyncProperty(callbackUrl, fc.constantFrom("query", "cookie", "secure cookie"), fc.constantFrom("session", "csrf", "signin", "signout"), async (value, where, action) => {
        const url = `${BASE}/api/auth/${action}${where === "query" ? `?callbackUrl=${encodeURIComponent(value)}` : ""}`;
        const headers: Record<string, string> =
          where === "query" ? {} : { cookie: `${where === "cookie" ? "" : "__Secure-"}authjs.callback-url=${cookieSafe(value)}` };
        // next-auth checks the __Secure- cookie on https only; this guard checks both names everywhere.
        const coreUrl = where === "secure cookie" ? url.replace("http:", "https:") : url;
        const coreAnswer = await core(new Request(coreUrl, { headers }));
        const refusal = await refusedBy(() => new NextRequest(url, { headers }));
        expect(refusal?.status ?? null, `${where} ${JSON.stringify(value)}: next-auth answered ${coreAnswer.status}`).toBe(coreAnswer.status === 500 ? 400 : null);
        if (refusal) expect(await refusal.json()).toEqual({ ok: false, error: ERROR_MESSAGES.INVALID_CALLBACK_URL });
      }),
      { numRuns: 300 },
    );
  });

  it("clears a callback-URL cookie next-auth cannot read, so the next request works", async () => {
    const refusal = await refusedBy(() => new NextRequest(`${BASE}/api/auth/session`, { headers: { cookie: "a=1; authjs.callback-url=abc; __Secure-authjs.callback-url=%2F" } }));
    expect(refusal?.status).toBe(400);
    expect(refusal?.headers.getSetCookie()).toEqual(["authjs.callback-url=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"]);
    const secure = await refusedBy(() => new NextRequest(`${BASE}/api/auth/session`, { headers: { cookie: "__Secure-authjs.callback-url=%E0%A4" } }));
    expect(secure?.headers.getSetCookie()).toEqual(["__Secure-authjs.callback-url=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"]);
  });

  it(`a POST body over ${FORM_BODY_LIMIT_BYTES} bytes gets 413 with a message; a smaller one reaches next-auth unchanged`, async () => {
    const big = "csrfToken=" + "a".repeat(FORM_BODY_LIMIT_BYTES);
    const refusal = await refusedBy(() => new NextRequest(`${BASE}/api/auth/signout`, { method: "POST", body: big, headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expect(refusal?.status).toBe(413);
    expect(await refusal?.json()).toEqual({ ok: false, error: ERROR_MESSAGES.BODY_TOO_LARGE });

    const small = "csrfToken=abc&callbackUrl=%2F";
    const checked = await checkAuthRequest(new NextRequest(`${BASE}/api/auth/signout?x=1`, { method: "POST", body: small, headers: { "content-type": "application/x-www-form-urlencoded", cookie: "a=b" } }));
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.request.url).toBe(`${BASE}/api/auth/signout?x=1`);
    expect(checked.request.headers.get("cookie")).toBe("a=b");
    expect(await checked.request.text()).toBe(small);
  });
});
