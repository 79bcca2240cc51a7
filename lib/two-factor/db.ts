import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/**
 * What the core runs its queries on: a drizzle PostgreSQL database (node-postgres or PGlite) over
 * any schema, the host's own included, or a transaction in it (a transaction is a database object
 * of the same type). A step that may run inside its caller's transaction is handed it as is.
 */
export type TwoFactorDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
