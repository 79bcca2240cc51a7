import NextAuth from "next-auth";
import { getDb } from "../db/client";
import { authConfig } from "./config.edge";
import { markSessionEnded } from "./ended-sessions";

/**
 * next-auth serves its routes (session, CSRF, sign-out) and signs out. Sessions are started only
 * by lib/auth/session-cookie.ts once every required factor is done, from a single-use ticket, so
 * next-auth has no provider: it never sees a password or a code, and has no way to start a
 * session before the second factor.
 */
export const { handlers, signOut } = NextAuth({
  ...authConfig,
  events: {
    // A sign-out through next-auth's own POST /api/auth/signout ends every copy of the cookie too,
    // as the portal's sign-out does. If the database is down the cookie is still cleared.
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (typeof token?.sub !== "string" || typeof token.authTime !== "number") return;
      try {
        await markSessionEnded(await getDb(), token.sub, token.authTime, new Date());
      } catch {
        console.warn("a sign-out could not be recorded");
      }
    },
  },
});
