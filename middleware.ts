import { NextResponse, type NextRequest } from "next/server";
import { decideGateFromCookies } from "@/lib/auth/gate";
import { readSessionClaims } from "@/lib/auth/session-token";
import { pendingSignInCookieName, unsealPendingSignIn } from "@/lib/two-factor/pending-sign-in";

/**
 * The optimistic gate, on the Node.js runtime (its code is edge-safe; see README, Architecture).
 * It decides from cookies only; the server checks every page, action and route again
 * (lib/auth/dal.ts), so bypassing this (CVE-2025-29927) opens nothing.
 */
export default async function middleware(request: NextRequest) {
  // Test-only: switches the optimistic gate off, to show the server-side checks hold by themselves
  // (tests) and to measure what the gate costs (bench). The server-side checks stay on.
  if (process.env.MIDDLEWARE_GATE === "off") return NextResponse.next();
  const { nextUrl, cookies } = request;
  const now = Date.now();
  const password = process.env.SESSION_PASSWORD ?? "";
  const decision = await decideGateFromCookies(
    { pathname: nextUrl.pathname, search: nextUrl.search, isApi: nextUrl.pathname.startsWith("/api/") },
    {
      hasSession: async () => (await readSessionClaims(cookies, process.env.AUTH_SECRET, now)) !== null,
      hasPendingSignIn: async () =>
        password.length >= 32 && (await unsealPendingSignIn(cookies.get(pendingSignInCookieName())?.value, password, now)) !== null,
    },
  );
  if (decision.action === "allow") return NextResponse.next();
  if (decision.action === "deny") {
    return NextResponse.json({ error: "UNAUTHENTICATED" }, { status: decision.status });
  }
  return NextResponse.redirect(new URL(decision.to, nextUrl.origin));
}

export const config = {
  runtime: "nodejs",
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|robots\\.txt|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|css|js|map)$).*)"],
};
