import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { checkAuthRequest } from "@/lib/auth/auth-request";

async function handle(request: NextRequest): Promise<Response> {
  const checked = await checkAuthRequest(request);
  if (!checked.ok) return checked.response;
  return request.method === "POST" ? handlers.POST(checked.request) : handlers.GET(checked.request);
}

export { handle as GET, handle as POST };
