import type { NextRequest } from "next/server";
import { handlers } from "../../../auth";
import { hostPlugin } from "../../../plugin";

/** next-auth at /api/auth/*, the plugin's steps (and its sign-in continue step) at /api/two-factor/*. */
function route(request: NextRequest): Promise<Response> | Response {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/auth/")) return request.method === "POST" ? handlers.POST(request) : handlers.GET(request);
  if (pathname.startsWith("/api/two-factor/")) return hostPlugin().twoFactor.handler(request);
  return new Response("Not found", { status: 404 });
}

export { route as GET, route as POST };
