import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./fixtures";

// public/: the favicon and robots.txt are served to anyone, signed in or not (the middleware's
// matcher leaves them out; its gate would send an anonymous visitor to sign-in).

const FAVICON = readFileSync(path.join(process.cwd(), "public", "favicon.ico"));
const KEPT_OUT = ["/sign-in", "/two-factor", "/password-reset", "/confirm", "/security", "/account-settings", "/api/"];

test("a signed-out browser gets robots.txt, which keeps the sign-in, two-factor and account pages out of search engines", async ({ page }) => {
  const response = await page.goto("/robots.txt");
  expect(response?.status()).toBe(200);
  expect(page.url()).toMatch(/\/robots\.txt$/);
  expect(response?.headers()["content-type"]).toMatch(/^text\/plain/);
  const lines = (await response!.text()).split("\n").map((line) => line.trim());
  expect(lines).toContain("User-agent: *");
  for (const prefix of KEPT_OUT) expect(lines, prefix).toContain(`Disallow: ${prefix}`);
  expect(lines).not.toContain("Disallow: /");
});

test("a signed-out browser gets the favicon, the icon itself, not a redirect to sign-in", async ({ page, request }) => {
  const direct = await request.get("/favicon.ico", { maxRedirects: 0 });
  expect(direct.status()).toBe(200);
  expect(direct.headers()["content-type"]).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
  expect(Buffer.compare(await direct.body(), FAVICON)).toBe(0);
  const opened = await page.goto("/favicon.ico");
  expect(opened?.status()).toBe(200);
  expect(page.url()).toMatch(/\/favicon\.ico$/);
});
