import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth from "next-auth";
import { getDb } from "../db/client";
import { accounts, sessions, users, verificationTokens } from "../db/schema";
import { emailSenderFromEnv } from "../email";
import { portalTwoFactor } from "../server";
import { withTwoFactor } from "../two-factor/next-auth";
import { authConfig } from "./config.edge";
import { markSessionEnded } from "./ended-sessions";
import { portalProviders } from "./providers";
import { sessionStrategyFromEnv } from "./session-strategy";

/**
 * next-auth with the portal's first factors (lib/auth/providers.ts), every sign-in held by the
 * plugin until its second factor (withTwoFactor): next-auth never starts a session itself; the
 * plugin's continue step does, through the portal's strategy (lib/auth/session-cookie.ts), JWT or
 * a database session in the adapter's table (AUTH_SESSION_STRATEGY).
 */
export const { handlers, signIn, signOut } = NextAuth(async () => {
  const db = await getDb();
  const strategy = sessionStrategyFromEnv();
  const twoFactor = portalTwoFactor();
  return withTwoFactor(
    {
      ...authConfig,
      session: { ...authConfig.session, strategy, updateAge: authConfig.session.maxAge },
      adapter: DrizzleAdapter(db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens }),
      providers: portalProviders(db, emailSenderFromEnv()),
      logger: {
        // A wrong password is not a server error; nothing else next-auth logs carries a secret.
        error(error) {
          if ((error as { type?: string }).type !== "CredentialsSignin") console.error("[auth]", error.name, error.message);
        },
      },
      events: {
        // A sign-out through next-auth ends every copy of the session too (a JWT's copies by the
        // ended-sessions record; a database session's row next-auth deletes). If the database is
        // down the cookie is still cleared.
        async signOut(message) {
          const token = "token" in message ? message.token : null;
          const row = "session" in message ? (message.session as { userId?: string; authTime?: Date } | null) : null;
          const userId = typeof token?.sub === "string" ? token.sub : row?.userId;
          const authTime = typeof token?.authTime === "number" ? token.authTime : row?.authTime?.getTime();
          if (!userId || authTime === undefined) return;
          try {
            await markSessionEnded(db, userId, authTime, new Date());
          } catch {
            console.warn("a sign-out could not be recorded");
          }
        },
      },
    },
    { deps: () => twoFactor.deps(), routePath: "/api/two-factor" },
  );
});
