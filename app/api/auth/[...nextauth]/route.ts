import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { checkAuthRequest } from "@/lib/auth/auth-request";
import { loadLiveSession } from "@/lib/auth/live-session";
import { withSessionJudgedByServer } from "@/lib/auth/session-route";
import type { CookieJar } from "@/lib/auth/session-token";
import { getDb } from "@/lib/db/client";

// next-auth's routes see a session only when the server-side check (the DAL's) accepts it.
const isLive = async (cookies: CookieJar) => (await loadLiveSession(cookies, process.env.AUTH_SECRET, Date.now(), getDb)) !== null;
const judged = { GET: withSessionJudgedByServer(handlers.GET, isLive), POST: withSessionJudgedByServer(handlers.POST, isLive) };

// Input next-auth would answer with a 500 (a callback URL it cannot read, an oversized body) gets a 4xx first.
async function handle(request: NextRequest): Promise<Response> {
  const checked = await checkAuthRequest(request);
  if (!checked.ok) return checked.response;
  return request.method === "POST" ? judged.POST(checked.request) : judged.GET(checked.request);
}

export { handle as GET, handle as POST };
