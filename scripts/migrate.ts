import { databaseOptionsFromEnv, openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";

const handle = await openDatabase(databaseOptionsFromEnv());
try {
  await migrateDatabase(handle);
  console.log(`Migrated ${handle.description}.`);
} finally {
  await handle.close();
}
