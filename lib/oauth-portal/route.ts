// The /oauth/* requests: 404 when no app is registered; a failure (the database down) is a 503
// page or OAuth error, never a redirect and never a token.
import type http from "node:http";
import { reportRouteFailure } from "../http/route-failure";
import { portalOAuth } from "./provider";

export async function handleOAuthRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  try {
    const oauth = await portalOAuth();
    if (!oauth) return void res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
    await oauth.handler(req, res);
  } catch (error) {
    reportRouteFailure("oauth", error);
    if (res.headersSent) return void res.end();
    res.writeHead(503, { "content-type": "application/json", "cache-control": "no-store", "retry-after": "5" });
    res.end(JSON.stringify({ error: "temporarily_unavailable", error_description: "The service is unavailable right now. Try again in a moment." }));
  }
}
