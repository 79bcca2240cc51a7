import { Client } from "pg";

/**
 * A short-lived connection for maintenance work that is not the app's (creating and dropping test
 * or bench databases, reading pg_stat_database). It is closed when `work` ends.
 */
export async function withAdminConnection<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A database name made only of the characters we generate, safe to put into DDL. */
export function assertSafeDatabaseName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return name;
}
