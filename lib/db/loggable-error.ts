/** Drizzle's query error, recognised by its shape: a bundle may hold more than one copy of its class. */
function isQueryError(error: unknown): error is Error & { query: string; params: unknown[] } {
  return error instanceof Error && typeof (error as { query?: unknown }).query === "string" && Array.isArray((error as { params?: unknown }).params);
}

/**
 * What the server log may say about a failure. Drizzle's query errors carry the statement's
 * parameters in their message (attempt hashes, backup-code hashes, client addresses): only the
 * driver's own reason is kept.
 */
export function loggableError(error: unknown): string {
  if (isQueryError(error)) {
    const cause = error.cause;
    return `database query failed: ${cause instanceof Error ? cause.message : "no reason given"}`;
  }
  return error instanceof Error ? error.message : String(error);
}
