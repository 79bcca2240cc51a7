const BRAND = Symbol.for("connect2fa.databaseQueryError");
const INSTALLED = Symbol.for("connect2fa.safeQueryErrors");

/**
 * What a failed query throws in this app instead of drizzle's DrizzleQueryError, whose message
 * and own properties hold the statement and its parameters (user ids, search strings, code
 * hashes) for any logger that prints the error, Next.js's included. Only the driver's reason is
 * in the message; the driver's error stays in `cause` for code that needs its SQLSTATE.
 */
export class DatabaseQueryError extends Error {
  readonly #driverError: unknown;
  constructor(failure: unknown) {
    const driverError = isDrizzleQueryError(failure) || isBranded(failure) ? (failure as { cause?: unknown }).cause : failure;
    super(`database query failed: ${databaseReason(driverError)}`);
    this.name = "DatabaseQueryError";
    this.#driverError = driverError;
  }

  static {
    // `cause` is a getter, not an own property, so util.inspect (console.error) does not print the
    // driver's error: PostgreSQL's `detail` can quote a row's values ("Key (email)=(…) already exists").
    Object.defineProperties(this.prototype, {
      [BRAND]: { value: true },
      cause: {
        get(this: DatabaseQueryError) {
          return this.#driverError;
        },
      },
    });
  }
}

function isBranded(error: unknown): boolean {
  return (error as Record<symbol, unknown> | null)?.[BRAND] === true;
}

/**
 * Drizzle's DrizzleQueryError, recognised by its shape (a bundle may hold more than one copy of
 * its class). PGlite's own errors also carry `query` and `params`: they are the driver's error.
 */
export function isDrizzleQueryError(error: unknown): error is Error & { query: string; params: unknown[] } {
  return error instanceof Error && error.message.startsWith("Failed query:") && typeof (error as { query?: unknown }).query === "string" && Array.isArray((error as { params?: unknown }).params);
}

/**
 * The driver's own reason for a failure, safe to log and to put in an error's message. A query
 * error's statement and parameters are dropped; so is the message of a PostgreSQL data
 * exception (SQLSTATE class 22), which quotes the offending value ("invalid input syntax for
 * type uuid: …"): only its code is kept.
 */
export function databaseReason(error: unknown): string {
  const driverError = isDrizzleQueryError(error) || isBranded(error) ? (error as { cause?: unknown }).cause : error;
  if (!(driverError instanceof Error)) return "no reason given";
  const code = (driverError as { code?: unknown }).code;
  if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code)) return `invalid data (SQLSTATE ${code})`;
  return driverError.message;
}

// Errors that mean the server cannot be reached or is going away, not that one statement was wrong.
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "53300", "57P01", "57P02", "57P03"]);
const CONNECTION_MESSAGES = /^Connection terminated|is not queryable|timeout exceeded when trying to connect|is not currently accepting connections/;

/** The error, or one of its causes, says the database server cannot be reached (node-postgres's and PostgreSQL's words). */
export function isConnectionFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A failed query or connection: this app's error, or drizzle's, from any bundle's copy. */
export function isDatabaseFailure(error: unknown): boolean {
  return isBranded(error) || isDrizzleQueryError(error);
}

type QueryWithCache = (this: PreparedQueryLike, queryString: string, params: unknown[], query: () => Promise<unknown>) => Promise<unknown>;
interface PreparedQueryLike {
  cache?: object;
  queryMetadata?: unknown;
}

/**
 * Makes drizzle's prepared queries (both drivers share PgPreparedQuery) throw DatabaseQueryError.
 * The uncached path, the only one this app uses, is drizzle's own `queryWithCache` branch with the
 * safe error: no extra work when a query succeeds. Once per copy of drizzle.
 */
export function installSafeQueryErrors(preparedQuery: { prototype: object }, noopCache: abstract new (...args: never[]) => object): void {
  const prototype = preparedQuery.prototype as { queryWithCache: QueryWithCache; [INSTALLED]?: true };
  if (prototype[INSTALLED]) return;
  const drizzles: QueryWithCache = prototype.queryWithCache;
  if (typeof drizzles !== "function") throw new Error("drizzle's PgPreparedQuery has no queryWithCache: check lib/db/query-error.ts against this drizzle-orm");
  prototype.queryWithCache = async function (queryString, params, query) {
    if (this.cache === undefined || this.cache instanceof noopCache || this.queryMetadata === undefined) {
      try {
        return await query();
      } catch (error) {
        throw new DatabaseQueryError(error);
      }
    }
    try {
      return await drizzles.call(this, queryString, params, query);
    } catch (error) {
      throw new DatabaseQueryError(error);
    }
  };
  prototype[INSTALLED] = true;
}
