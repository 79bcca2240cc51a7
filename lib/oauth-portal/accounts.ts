// Who may have tokens, asked at every code exchange and refresh (issue 19 §2): the app's sign-in
// held to today's rule (sign-in-rule.ts). Refusing (null) answers invalid_grant, and the app sends
// the member back through the browser. The refused sign-in is over: its grant and every token
// under it are deleted, so Signed-in apps lists only sign-ins that still work (the member's new
// sign-in through the browser is a new grant).
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { sha256 } from "../crypto";
import type { OAuthAccounts } from "../oauth/provider-configuration";
import { revokeFamily } from "../oauth/artifacts";
import { appSignInVerdict } from "./sign-in-rule";

export function portalOAuthAccounts(deps: { db: Db; clock: Clock }): OAuthAccounts {
  return {
    async find(accountId, facts) {
      const authTimeMs = typeof facts.authTime === "number" ? facts.authTime * 1000 : undefined;
      const verdict = await appSignInVerdict(deps.db, { userId: accountId, amr: facts.amr, authTimeMs }, deps.clock.now());
      if (verdict.ok) return { organizationId: verdict.organizationId };
      if (facts.grantId) await revokeFamily(deps.db, sha256(facts.grantId));
      return null;
    },
  };
}
