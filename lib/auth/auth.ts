import NextAuth from "next-auth";
import { authConfig } from "./config.edge";

/**
 * next-auth serves its routes (session, CSRF, sign-out) and signs out. Sessions are started only
 * by lib/auth/session-cookie.ts once every required factor is done, from a single-use ticket, so
 * next-auth has no provider: it never sees a password or a code, and has no way to start a
 * session before the second factor.
 */
export const { handlers, signOut } = NextAuth(authConfig);
