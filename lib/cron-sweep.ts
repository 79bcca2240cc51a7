import { systemClock, type Clock } from "./clock";
import { getDb, type Db } from "./db/client";
import { sweepExpiredRows } from "./housekeeping";
import { cronAuthorization } from "./http/cron-secret";
import { reportRouteFailure } from "./http/route-failure";

export interface CronSweepDeps {
  env: Readonly<Record<string, string | undefined>>;
  openDb: () => Promise<Db>;
  clock: Clock;
}

const answer = (status: number, body: Record<string, unknown>) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

/**
 * GET /api/cron/sweep, as a scheduler calls it: without CRON_SECRET configured the route refuses
 * with 503 (a deploy that forgot the secret shows in the scheduler's log as a failure, not as a
 * silent success), a missing or wrong secret gets 401; in both cases nothing touches the database.
 */
export async function cronSweepResponse(request: Request, deps: CronSweepDeps = { env: process.env, openDb: getDb, clock: systemClock }): Promise<Response> {
  const authorization = cronAuthorization(request.headers.get("authorization"), deps.env.CRON_SECRET);
  if (authorization === "unconfigured") return answer(503, { ok: false, error: "CRON_SECRET is not configured" });
  if (authorization === "refused") return answer(401, { ok: false, error: "UNAUTHENTICATED" });
  try {
    const deleted = await sweepExpiredRows({ db: await deps.openDb(), clock: deps.clock });
    return answer(200, { ok: true, deleted });
  } catch (error) {
    reportRouteFailure("cron sweep", error);
    return answer(500, { ok: false });
  }
}
