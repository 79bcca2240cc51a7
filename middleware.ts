import { NextResponse, type NextRequest } from "next/server";
import type { GateDecision } from "@/lib/auth/gate";
import { gateSwitchedOff } from "@/lib/auth/gate-off-flag";
import { decideGateForRequest } from "@/lib/auth/gate-request";
import { databaseUnavailable } from "@/lib/db/outage-flag";
import { isPromiseLike } from "@/lib/edge-crypto";
import { unavailableResponse } from "@/lib/http/unavailable";
import { requestRefusal } from "@/lib/http/request-guard";

/**
 * The optimistic gate, on the Node.js runtime (its code is edge-safe; see README, Architecture:
 * without the `runtime` line below it runs on the edge, as `npm run build:test:edge` builds it).
 * It decides from cookies only; the server checks every page, action and route again
 * (lib/auth/dal.ts), so bypassing this (CVE-2025-29927) opens nothing.
 */
export default function middleware(request: NextRequest): Response | Promise<Response> {
  // The database is down (lib/db/outage.ts): 503 at once. A server action goes on to its wrapper
  // (lib/action.ts), which answers in its form; React cannot show a 503 as the action's answer.
  if (databaseUnavailable() && !request.headers.has("next-action")) return unavailableResponse(request);
  // Bad input Next.js would answer with a 500 gets a 4xx and a message here, gate or no gate.
  const refusal = requestRefusal({
    method: request.method,
    pathname: request.nextUrl.pathname,
    headers: request.headers,
    text: () => request.text(),
    formData: () => request.formData(),
  });
  if (refusal === null) return gate(request);
  return isPromiseLike(refusal) ? Promise.resolve(refusal).then((r) => r ?? gate(request)) : refusal;
}

function gate(request: NextRequest): Response | Promise<Response> {
  // Test and bench builds only (next.config.mjs inlines the constant, so a production build drops
  // this line): their switches (lib/auth/gate-test-switches.ts) can turn the gate off.
  if (process.env.CONNECT_TEST_BUILD === "1" && gateSwitchedOff()) return NextResponse.next();
  const { nextUrl } = request;
  const decision = decideGateForRequest({ pathname: nextUrl.pathname, search: nextUrl.search, cookies: request.cookies }, process.env, Date.now());
  return isPromiseLike(decision) ? Promise.resolve(decision).then((d) => respond(d, nextUrl)) : respond(decision, nextUrl);
}

function respond(decision: GateDecision, nextUrl: { origin: string }): Response {
  if (decision.action === "allow") return NextResponse.next();
  if (decision.action === "deny") return NextResponse.json({ error: "UNAUTHENTICATED" }, { status: decision.status });
  return NextResponse.redirect(new URL(decision.to, nextUrl.origin));
}

export const config = {
  runtime: "nodejs",
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|robots\\.txt|[^%]*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|css|js|map)$).*)"],
};
