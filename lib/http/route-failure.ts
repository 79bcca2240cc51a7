import { loggableError } from "../db/loggable-error";
import { reportDatabaseFailure } from "../db/outage";

/**
 * A route handler's unexpected failure, said in the server log: a database failure through the
 * one place that says outages (lib/db/outage.ts), anything else as one line without the driver's
 * statement or parameters.
 */
export function reportRouteFailure(route: string, error: unknown): void {
  if (!reportDatabaseFailure(error)) console.error(`${route} failed: ${loggableError(error)}`);
}
