// Who may have tokens, asked at every code exchange and refresh (issue 19 §2): the app's sign-in
// held to today's rule (sign-in-rule.ts). Refusing (null) answers invalid_grant, and the app sends
// the member back through the browser.
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import type { OAuthAccounts } from "../oauth/provider-configuration";
import { appSignInVerdict } from "./sign-in-rule";

export function portalOAuthAccounts(deps: { db: Db; clock: Clock }): OAuthAccounts {
  return {
    async find(accountId, facts) {
      const authTimeMs = typeof facts.authTime === "number" ? facts.authTime * 1000 : undefined;
      const verdict = await appSignInVerdict(deps.db, { userId: accountId, amr: facts.amr, authTimeMs }, deps.clock.now());
      return verdict.ok ? { organizationId: verdict.organizationId } : null;
    },
  };
}
