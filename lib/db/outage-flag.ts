/**
 * The process's "database unavailable" flag: set by the breaker (lib/db/outage.ts), read by the
 * middleware and the action and step wrappers. Edge-safe on purpose (no imports, no database): the
 * middleware runs in the server's own process under `next start` and sees the flag. On the edge
 * runtime (the edge build, `npm run build:test:edge`) it has another global and reads nothing:
 * its 503 fast path is gone, never a check, and every request reaches the server, whose session
 * check needs the database (lib/auth/dal.ts), so a page fails closed (500, app/error.tsx's
 * sentence) and the wrappers, on the server, still answer 503. Nothing a limit or a guarantee
 * relies on is held here: one instance's flag is only that instance's shortcut.
 */
export interface OutageFlag {
  unavailable: boolean;
  /** Requests answered 503 without trying the database, since the breaker last said so. */
  refused: number;
}

const KEY = Symbol.for("connect2fa.databaseOutageFlag");
type WithFlag = { [KEY]?: OutageFlag };

export function outageFlag(): OutageFlag {
  return ((globalThis as WithFlag)[KEY] ??= { unavailable: false, refused: 0 });
}

export function databaseUnavailable(): boolean {
  return (globalThis as WithFlag)[KEY]?.unavailable === true;
}

/** Counts a request answered 503 because of the flag, for the breaker's next log line. */
export function noteRefusedRequest(): void {
  const flag = (globalThis as WithFlag)[KEY];
  if (flag) flag.refused += 1;
}
