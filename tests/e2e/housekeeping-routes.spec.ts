import { expect, test } from "./fixtures";

// The built app's middleware (the gate and the request guard) lets a load balancer and a scheduler
// reach the health and cron routes without a session; each then gives its own answer.

test("a load balancer gets 200 {status: ok} from /api/health without a session, never cached", async ({ request }) => {
  const response = await request.get("/api/health", { maxRedirects: 0 });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
  expect(response.headers()["cache-control"]).toBe("no-store");
});

test("a scheduler's call without the right CRON_SECRET reaches the cron route, which refuses it and sweeps nothing", async ({ request }) => {
  const attempts: Record<string, string>[] = [{}, { authorization: "Bearer not-the-secret" }, { authorization: "Basic Y3Jvbjpjcm9u" }];
  for (const headers of attempts) {
    const response = await request.get("/api/cron/sweep", { headers, maxRedirects: 0 });
    // 401 with CRON_SECRET set, 503 without: the route's own answer (the gate's 401 has no `ok`).
    expect([401, 503]).toContain(response.status());
    expect(await response.json()).toMatchObject({ ok: false });
  }
});
