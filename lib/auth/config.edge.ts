import type { NextAuthConfig } from "next-auth";
import type { JWT } from "next-auth/jwt";

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
    session(params) {
      // A database session has no token: next-auth passes the adapter's row, whose session token
      // must not reach the page's script (the cookie is httpOnly), so the answer is built, not spread.
      const token = params.token as JWT | undefined;
      if (!token) {
        const row = params.session as unknown as { expires: Date; amr?: string[]; authTime?: Date };
        const { id, name, email, image } = params.user;
        return { user: { id, name, email, image }, expires: row.expires.toISOString(), amr: row.amr ?? [], authTime: row.authTime?.getTime() ?? 0 };
      }
      const { session } = params;
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
