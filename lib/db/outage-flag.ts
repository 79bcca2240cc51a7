/**
 * The process's "database unavailable" flag: set by the breaker (lib/db/outage.ts), read by the
 * middleware. Edge-safe on purpose (no imports, no database): the middleware runs in the server's
 * own process under `next start` and sees the flag; on the edge runtime, another global, it would
 * read nothing and let every request through to the server's own answers.
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
