import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { systemClock } from "../clock";
import { getDb } from "../db/client";
import { accounts, sessions, users, verificationTokens } from "../db/schema";
import { authConfig } from "./config.edge";
import { consumeSignInTicket } from "./sign-in-ticket";

/**
 * The Node half of next-auth. Its only provider turns a single-use sign-in ticket into a
 * session: the ticket is issued by lib/ once every required factor is done, so next-auth never
 * sees a password or a code and a session cannot exist before the second factor.
 */
export const { handlers, signIn, signOut } = NextAuth(async () => {
  const db = await getDb();
  return {
    ...authConfig,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    adapter: DrizzleAdapter(db as any, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    } as any),
    providers: [
      Credentials({
        id: "ticket",
        credentials: { ticket: {} },
        async authorize(credentials) {
          const ticket = typeof credentials?.ticket === "string" ? credentials.ticket : "";
          if (!ticket) throw new CredentialsSignin();
          const consumed = await consumeSignInTicket(db, ticket, systemClock.now());
          if (!consumed) throw new CredentialsSignin();
          return { id: consumed.userId, amr: consumed.amr } as { id: string };
        },
      }),
    ],
  };
});
