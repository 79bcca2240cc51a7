import type { APIRequestContext, APIResponse, Page, Request } from "@playwright/test";
import { signedInMarkersIn } from "./fault-member";

/** Pages only a fully signed-in user may see. */
export const PROTECTED_PAGES = [
  "/",
  "/account-settings",
  "/account-settings/activity",
  "/security",
  "/security/phone",
  "/confirm",
  "/two-step-enabled",
] as const;

const SPOOFED_SUBREQUEST = "middleware:middleware:middleware:middleware:middleware";

/** The ways of asking for a page that have bypassed auth gates before (RSC, prefetch, CVE-2025-29927). */
export const REQUEST_KINDS: { kind: string; query: string; headers: Record<string, string> }[] = [
  { kind: "document", query: "", headers: {} },
  { kind: "RSC (RSC: 1)", query: "", headers: { RSC: "1" } },
  { kind: "RSC (?_rsc=x)", query: "?_rsc=x", headers: {} },
  { kind: "RSC (RSC: 1 and ?_rsc=x)", query: "?_rsc=x", headers: { RSC: "1" } },
  { kind: "prefetch (RSC: 1, Next-Router-Prefetch: 1)", query: "", headers: { RSC: "1", "Next-Router-Prefetch": "1" } },
  { kind: "prefetch (Next-Router-Prefetch: 1)", query: "", headers: { "Next-Router-Prefetch": "1" } },
  { kind: "prefetch (Purpose: prefetch)", query: "", headers: { Purpose: "prefetch" } },
  { kind: "prefetch (Sec-Purpose: prefetch)", query: "", headers: { "Sec-Purpose": "prefetch" } },
  { kind: "x-middleware-subrequest: middleware", query: "", headers: { "x-middleware-subrequest": "middleware" } },
  { kind: "x-middleware-subrequest repeated", query: "", headers: { "x-middleware-subrequest": SPOOFED_SUBREQUEST } },
  {
    kind: "x-middleware-subrequest (src/ path form)",
    query: "",
    headers: { "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware" },
  },
  { kind: "x-middleware-subrequest with RSC: 1", query: "", headers: { "x-middleware-subrequest": SPOOFED_SUBREQUEST, RSC: "1" } },
];

/**
 * Sends the request as a script would, following only Next.js's own `?_rsc=` canonicalisation
 * redirect (same path, same headers), which an RSC client follows too.
 */
export async function ask(client: APIRequestContext, url: string, headers: Record<string, string>): Promise<APIResponse> {
  let response = await client.get(url, { headers });
  for (let i = 0; i < 3; i++) {
    const location = response.headers().location ?? "";
    if (response.status() !== 307 || !/[?&]_rsc(=|&|$)/.test(location)) break;
    if (new URL(location, "http://x").pathname !== new URL(url, "http://x").pathname) break;
    response = await client.get(location, { headers });
  }
  return response;
}

/**
 * Why this answer is not a refusal, or null when it is one. A refusal is: a redirect to sign-in or
 * to the two-factor pages; a 4xx/5xx; or, for an RSC request (answered 200 with a flight payload),
 * a payload that only redirects to sign-in or the two-factor pages or carries no page data at all
 * (a prefetch of the route tree). Never signed-in content.
 */
export async function refusalProblem(response: APIResponse): Promise<string | null> {
  const status = response.status();
  const body = await response.text();
  const markers = signedInMarkersIn(body);
  if (markers.length > 0) return `status ${status} with signed-in content: ${markers.join(", ")}`;
  if (status >= 300 && status < 400) {
    const location = response.headers().location ?? "";
    return /^(https?:\/\/[^/]+)?\/(sign-in|two-factor)/.test(location) ? null : `status ${status} to ${location}`;
  }
  if (status === 200) {
    const type = response.headers()["content-type"] ?? "";
    if (!type.startsWith("text/x-component")) return `status 200 (${type})`;
    if (/NEXT_REDIRECT;(replace|push);\/(sign-in|two-factor)/.test(body)) return null;
    if (!body.includes('"d":{')) return null;
    return "status 200 RSC payload with page data and no redirect";
  }
  return [401, 403, 404].includes(status) ? null : `status ${status}`;
}

/** A server action POST captured from the portal, to replay with other cookies or headers. */
export interface CapturedAction {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Clicks `trigger` and captures the server action POST it makes without letting it reach the
 * server (aborted), so capturing changes nothing.
 */
export async function captureAction(page: Page, name: string, trigger: () => Promise<void>): Promise<CapturedAction> {
  let captured: Request | null = null;
  const handler = async (route: import("@playwright/test").Route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"]) {
      captured = request;
      await route.abort();
    } else {
      await route.continue();
    }
  };
  await page.route("**/*", handler);
  page.once("dialog", (dialog) => void dialog.accept());
  await trigger();
  for (let i = 0; i < 100 && !captured; i++) await page.waitForTimeout(50);
  await page.unroute("**/*", handler);
  if (!captured) throw new Error(`no server action was posted for ${name}`);
  const request = captured as Request;
  const headers = request.headers();
  return {
    name,
    url: request.url(),
    headers: {
      "next-action": headers["next-action"]!,
      "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8",
      accept: "text/x-component",
      ...(headers["next-router-state-tree"] ? { "next-router-state-tree": headers["next-router-state-tree"] } : {}),
    },
    body: request.postDataBuffer() ?? Buffer.alloc(0),
  };
}

/** Backup codes as the portal shows them (XXXX-XXXX-XXXX). */
export const BACKUP_CODE_SHAPE = /(?<![0-9A-Z])[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}(?![0-9A-Z])/;
