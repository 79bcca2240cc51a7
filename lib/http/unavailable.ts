import { ERROR_MESSAGES } from "../errors";
import { noteRefusedRequest } from "../db/outage-flag";

/** Seconds a client is asked to wait; the breaker probes the database every half second. */
export const RETRY_AFTER_SECONDS = 5;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Temporarily unavailable · Connect</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; text-align: center">
<main><h1>Temporarily unavailable</h1><p>${ERROR_MESSAGES.SERVICE_UNAVAILABLE}</p></main>
</body>
</html>
`;

/**
 * The answer while the database is down (edge-safe): 503 with Retry-After, never cached; a plain
 * HTML page for a browser's navigation, the API's error body under /api/v1/, else the JSON state
 * the portal's routes answer.
 */
export function unavailableResponse(request: Request): Response {
  noteRefusedRequest();
  const headers = { "retry-after": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" };
  // The apps' API answers every refusal in its own documented form (lib/oauth-portal/api-route.ts).
  if (new URL(request.url).pathname.startsWith("/api/v1/")) {
    return Response.json({ error: "temporarily_unavailable", error_description: ERROR_MESSAGES.SERVICE_UNAVAILABLE }, { status: 503, headers });
  }
  if (request.headers.get("accept")?.includes("text/html")) {
    return new Response(PAGE, { status: 503, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
  }
  return Response.json({ ok: false, error: ERROR_MESSAGES.SERVICE_UNAVAILABLE }, { status: 503, headers });
}
