import NextAuth from "next-auth";
import { withTwoFactor } from "@connect-2fa/next-auth";
import { joinOrganizationOfEmailDomain } from "./host";
import { hostPlugin } from "./plugin";
import { SECURE_COOKIES, SESSION_STRATEGY } from "./settings";

/** next-auth with one OpenID provider and database sessions (or JWTs); every sign-in is held by the plugin until its second factor. */
export const { handlers } = NextAuth(() => {
  const { adapter, twoFactor } = hostPlugin();
  return withTwoFactor(
    {
      adapter,
      providers: [
        { id: "oidc", name: "SSO", type: "oidc", issuer: process.env.OIDC_ISSUER, clientId: process.env.OIDC_CLIENT_ID, clientSecret: process.env.OIDC_CLIENT_SECRET, checks: ["pkce", "state", "nonce"] },
      ],
      session: { strategy: SESSION_STRATEGY },
      secret: process.env.AUTH_SECRET,
      trustHost: true,
      useSecureCookies: SECURE_COOKIES,
    },
    { deps: () => twoFactor.deps(), onUserCreated: joinOrganizationOfEmailDomain },
  );
});
