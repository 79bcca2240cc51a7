import { listActivity, type ActivityQuery } from "../activity";
import { appDeps } from "../server";

/** One page of the organization's activity log, newest first, filtered as `query` says. */
export async function loadActivityLog(organizationId: string, query: ActivityQuery) {
  const { db } = await appDeps();
  return listActivity(db, { organizationId, memberEmail: query.member || undefined, type: query.type, page: query.page });
}
