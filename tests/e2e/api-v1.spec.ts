import { expect, test } from "./fixtures";

// The built app serves the apps' API (issue 19 §3) past the middleware to its own check: no
// session is needed or used, a request without a live bearer token is refused by the route with
// RFC 6750's challenge (never the sign-in page), and the OpenAPI document is public.

test("the OpenAPI 3.1 document is public at /api/v1/openapi.json, on the portal's origin", async ({ request, baseURL }) => {
  const response = await request.get("/api/v1/openapi.json", { maxRedirects: 0 });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  const document = (await response.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, unknown> };
  expect(document.openapi).toBe("3.1.0");
  expect(document.servers).toEqual([{ url: `${new URL(baseURL!).origin}/api/v1` }]);
  expect(Object.keys(document.paths).sort()).toEqual(["/me", "/security"]);
  const head = await request.head("/api/v1/openapi.json", { maxRedirects: 0 });
  expect(head.status()).toBe(200);
});

test("without a token, or with one that is not the portal's, /api/v1 answers 401 with WWW-Authenticate, not a redirect to sign-in", async ({ request }) => {
  for (const path of ["/api/v1/me", "/api/v1/security"]) {
    const missing = await request.get(path, { maxRedirects: 0 });
    expect(missing.status()).toBe(401);
    expect(missing.headers()["www-authenticate"]).toBe('Bearer realm="connect"');
    expect(missing.headers()["cache-control"]).toBe("no-store");
    expect(await missing.json()).toEqual({ error: "unauthorized", error_description: expect.any(String) });

    const forged = await request.get(path, { headers: { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." }, maxRedirects: 0 });
    expect(forged.status()).toBe(401);
    expect(forged.headers()["www-authenticate"]).toBe('Bearer realm="connect", error="invalid_token", error_description="The access token is not valid."');
    expect(await forged.json()).toEqual({ error: "invalid_token", error_description: "The access token is not valid." });
  }
});

test("other methods get 405 with Allow, and OPTIONS grants no other origin anything (no CORS)", async ({ request }) => {
  for (const path of ["/api/v1/me", "/api/v1/security", "/api/v1/openapi.json"]) {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await request.fetch(path, { method, headers: { "content-type": "application/json" }, data: "{}", maxRedirects: 0 });
      expect(response.status(), `${method} ${path}`).toBe(405);
      expect(response.headers()["allow"]).toBe("GET, HEAD, OPTIONS");
    }
    const preflight = await request.fetch(path, {
      method: "OPTIONS",
      headers: { origin: "https://elsewhere.example", "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
      maxRedirects: 0,
    });
    expect(preflight.status()).toBe(204);
    expect(Object.keys(preflight.headers()).filter((name) => name.startsWith("access-control-"))).toEqual([]);
  }
});
