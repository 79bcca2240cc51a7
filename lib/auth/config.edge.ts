import type { NextAuthConfig } from "next-auth";

/** @default 86400 (24 hours: NIST SP 800-63B-4 AAL2 reauthentication) */
export const SESSION_MAX_AGE_SECONDS = Number(process.env.SESSION_MAX_AGE_SECONDS || 86_400);

/**
 * The edge-safe half of the next-auth configuration: no database, no Node APIs. The middleware
 * uses it to decode the session cookie; lib/auth/auth.ts adds the provider.
 */
export const authConfig = {
  // next-auth's errors (an expired email link, a refused SSO account) are shown on the sign-in page.
  pages: { signIn: "/sign-in", error: "/sign-in", verifyRequest: "/sign-in" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  trustHost: true,
  providers: [],
  callbacks: {
    jwt({ token, user, trigger }) {
      if (trigger === "signIn" && user) {
        const signedIn = user as { id?: string; amr?: string[] };
        token.sub = signedIn.id;
        token.amr = signedIn.amr ?? [];
        token.authTime = Date.now();
      }
      // On trigger "update" the data comes from the client: it is ignored on purpose, so a
      // client can never claim a factor it did not complete.
      return token;
    },
    session({ session, token }) {
      return {
        ...session,
        user: { ...session.user, id: token.sub ?? "" },
        amr: Array.isArray(token.amr) ? (token.amr as string[]) : [],
        authTime: typeof token.authTime === "number" ? token.authTime : 0,
      };
    },
  },
} satisfies NextAuthConfig;

declare module "next-auth" {
  interface Session {
    amr: string[];
    /** ms since epoch when this session was issued */
    authTime: number;
  }
}
