// Who may have tokens, asked at every code exchange and refresh (issue 19 §2). Refusing (null)
// answers invalid_grant, and the app sends the member back through the browser.
import { eq } from "drizzle-orm";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { memberships, users } from "../db/schema";
import type { OAuthAccounts } from "../oauth/provider-configuration";

export function portalOAuthAccounts(deps: { db: Db; clock: Clock }): OAuthAccounts {
  return {
    async find(accountId) {
      const [user] = await deps.db.select({ id: users.id }).from(users).where(eq(users.id, accountId)).limit(1);
      if (!user) return null;
      const [membership] = await deps.db.select({ organizationId: memberships.organizationId }).from(memberships).where(eq(memberships.userId, accountId)).limit(1);
      return { organizationId: membership?.organizationId ?? null };
    },
  };
}
