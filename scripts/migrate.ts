import { openDatabase } from "../lib/db/client";
import { migrateDatabase, migrationDatabaseOptions } from "../lib/db/migrate";

// The deploy step (`npm run db:migrate`): on the direct URL when one is set (lib/db/migrate.ts).
const handle = await openDatabase(migrationDatabaseOptions());
try {
  await migrateDatabase(handle);
  console.log(`Migrated ${handle.description}.`);
} finally {
  await handle.close();
}
