import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { checkAuthRequest } from "@/lib/auth/auth-request";
import { sessionIsLive } from "@/lib/auth/dal";
import { withSessionJudgedByServer } from "@/lib/auth/session-route";

// next-auth's routes see a session only when the server-side check (the DAL's) accepts it.
const judged = { GET: withSessionJudgedByServer(handlers.GET, sessionIsLive), POST: withSessionJudgedByServer(handlers.POST, sessionIsLive) };

// Input next-auth would answer with a 500 (a callback URL it cannot read, an oversized body) gets a 4xx first.
async function handle(request: NextRequest): Promise<Response> {
  const checked = await checkAuthRequest(request);
  if (!checked.ok) return checked.response;
  return request.method === "POST" ? judged.POST(checked.request) : judged.GET(checked.request);
}

export { handle as GET, handle as POST };
