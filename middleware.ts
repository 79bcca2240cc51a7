import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "@/lib/auth/config.edge";
import { decideGate } from "@/lib/auth/gate";
import { pendingSignInCookieName, unsealPendingSignIn } from "@/lib/two-factor/pending-sign-in";

const { auth } = NextAuth(authConfig);

/**
 * The optimistic gate, on the edge runtime. It decides from cookies only; the server checks
 * every page, action and route again (lib/auth/dal.ts), so bypassing this (CVE-2025-29927)
 * opens nothing.
 */
export default auth(async (request) => {
  // Test-only: switches the optimistic gate off, to show the server-side checks hold by themselves
  // (tests) and to measure what the gate costs (bench). The server-side checks stay on.
  if (process.env.MIDDLEWARE_GATE === "off") return NextResponse.next();
  const { nextUrl } = request;
  const password = process.env.SESSION_PASSWORD ?? "";
  const pending =
    password.length >= 32
      ? await unsealPendingSignIn(request.cookies.get(pendingSignInCookieName())?.value, password, Date.now())
      : null;
  const decision = decideGate({
    pathname: nextUrl.pathname,
    search: nextUrl.search,
    hasSession: Boolean(request.auth?.user?.id),
    hasPendingSignIn: pending !== null,
    isApi: nextUrl.pathname.startsWith("/api/"),
  });
  if (decision.action === "allow") return NextResponse.next();
  if (decision.action === "deny") {
    return NextResponse.json({ error: "UNAUTHENTICATED" }, { status: decision.status });
  }
  return NextResponse.redirect(new URL(decision.to, nextUrl.origin));
});

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|robots\\.txt|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|css|js|map)$).*)"],
};
