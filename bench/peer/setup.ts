// What the bench driver (../better-auth.ts) does with Better Auth in its own process.
import { hashPassword } from "better-auth/crypto";
import { getMigrations } from "better-auth/db/migration";
import { Pool } from "pg";
import { authOptions } from "./auth-options";

/** Better Auth's own migration of its schema (the tables of the options above) into `databaseUrl`. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const { toBeCreated, runMigrations } = await getMigrations(authOptions(pool));
    await runMigrations();
    return toBeCreated.map((table) => table.table);
  } finally {
    await pool.end();
  }
}

/** A password hash as Better Auth stores it in `account.password` (scrypt). */
export function passwordHash(password: string): Promise<string> {
  return hashPassword(password);
}
