import { NextResponse, type NextRequest } from "next/server";
import { twoFactorGate } from "@connect-2fa/gate";
import { PLUGIN_SETTINGS, pluginCookies, SESSION_COOKIE } from "./settings";

// The first line only, from cookies: the pages check again on the server (app/page.tsx).
const gate = twoFactorGate({ ...PLUGIN_SETTINGS, publicPaths: ["/api/auth", "/api/two-factor"] });

export default async function middleware(request: NextRequest) {
  // The e2e's build only (next.config.mjs): a second server runs with the middleware off.
  if (process.env.HOST_APP_TEST_BUILD === "1" && process.env.MIDDLEWARE_GATE === "off") return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  const decision = await gate.decideFromCookies(
    { pathname, search, isApi: pathname.startsWith("/api/") },
    {
      hasSession: () => request.cookies.has(SESSION_COOKIE),
      hasPendingSignIn: async () => (await pluginCookies.pendingSignIn.read(request.cookies, process.env.SESSION_PASSWORD ?? "", Date.now())) !== null,
    },
  );
  if (decision.action === "allow") return NextResponse.next();
  if (decision.action === "deny") return NextResponse.json({ error: "UNAUTHENTICATED" }, { status: decision.status });
  return NextResponse.redirect(new URL(decision.to, request.nextUrl.origin));
}

export const config = { runtime: "nodejs", matcher: ["/((?!_next/static|_next/image|favicon\\.ico).*)"] };
