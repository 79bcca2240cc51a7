import { handlers } from "@/lib/auth/auth";
import { loadLiveSession } from "@/lib/auth/live-session";
import { withSessionJudgedByServer } from "@/lib/auth/session-route";
import type { CookieJar } from "@/lib/auth/session-token";
import { getDb } from "@/lib/db/client";

// next-auth's routes see a session only when the server-side check (the DAL's) accepts it.
const isLive = async (cookies: CookieJar) => (await loadLiveSession(cookies, process.env.AUTH_SECRET, Date.now(), getDb)) !== null;

export const GET = withSessionJudgedByServer(handlers.GET, isLive);
export const POST = withSessionJudgedByServer(handlers.POST, isLive);
