import { databaseReason, isDatabaseFailure } from "./query-error";

/**
 * What the server log may say about a failure. Drizzle's query errors carry the statement's
 * parameters in their message (attempt hashes, backup-code hashes, client addresses): only the
 * driver's own reason is kept (see databaseReason).
 */
export function loggableError(error: unknown): string {
  if (isDatabaseFailure(error)) return `database query failed: ${databaseReason(error)}`;
  return error instanceof Error ? databaseReason(error) : String(error);
}
