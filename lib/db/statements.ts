import type { Client } from "pg";

/**
 * Named prepared statements (`.prepare("name")`, see prepared.ts) live on one server connection.
 * A transaction-mode pooler (PgBouncer before 1.21, or with max_prepared_statements = 0) hands each
 * transaction whichever server connection is free, so a statement prepared through one is missing
 * ("does not exist") or already there ("already exists") on the next. Off, every statement is sent
 * unnamed: parsed and planned again each time, on whatever connection runs it.
 */
export type PreparedStatements = "on" | "off";

/**
 * DATABASE_PREPARED_STATEMENTS: "on" or "off"; unset, off when the URL says `pgbouncer=true` (the
 * flag Prisma and Supabase put on a transaction-mode pooled URL), on otherwise.
 */
export function preparedStatementsFromEnv(value: string | undefined, url: string | undefined): PreparedStatements {
  const setting = value?.trim().toLowerCase();
  if (setting === "on" || setting === "off") return setting;
  if (setting) throw new Error(`DATABASE_PREPARED_STATEMENTS must be "on" or "off", not "${value}"`);
  return url && pgbouncerFlag(url) ? "off" : "on";
}

function pgbouncerFlag(url: string): boolean {
  try {
    return new URL(url).searchParams.get("pgbouncer") === "true";
  } catch {
    return false;
  }
}

/** The pg Client class a pool uses: as is, or one that drops every statement's name. */
export async function clientClassFor(preparedStatements: PreparedStatements): Promise<typeof Client> {
  const { Client: PgClient } = await import("pg");
  if (preparedStatements === "on") return PgClient;
  return class UnnamedStatementClient extends PgClient {
    // drizzle hands the same config object to every run of a prepared query: copied, never changed.
    query(...args: unknown[]): never {
      const [config, ...rest] = args;
      const unnamed = config && typeof config === "object" && "name" in config && config.name ? { ...config, name: undefined } : config;
      return (super.query as (...a: unknown[]) => never)(unnamed, ...rest);
    }
  } as unknown as typeof Client;
}
