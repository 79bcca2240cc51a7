import path from "node:path";
import { pathToFileURL } from "node:url";
import { openDatabase } from "../db";

const MIGRATIONS = path.join(import.meta.dirname, "..", "drizzle");

/** Applies drizzle/ (made by `npm run db:generate`) to DATABASE_URL or the PGlite directory, then closes it. */
export async function migrateDatabase() {
  const { db, close } = openDatabase();
  try {
    const { migrate } = process.env.DATABASE_URL ? await import("drizzle-orm/node-postgres/migrator") : await import("drizzle-orm/pglite/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- either driver's database, chosen above
    await migrate(db as any, { migrationsFolder: MIGRATIONS });
  } finally {
    await close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await migrateDatabase();
