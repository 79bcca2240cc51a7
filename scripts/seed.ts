import { databaseOptionsFromEnv, openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { DEMO_ACCOUNTS, seedDemoData } from "../lib/db/seed";
import { seedPassword } from "./env";

const password = seedPassword();
const handle = await openDatabase(databaseOptionsFromEnv());
try {
  await migrateDatabase(handle);
  const { created } = await seedDemoData(handle.db, password);
  console.log(
    created.length > 0 ? `Seeded ${handle.description}: ${created.join(", ")}.` : `Demo data already present in ${handle.description}.`,
  );
  console.log(`Demo accounts: ${DEMO_ACCOUNTS.map((a) => `${a.email} (${a.role})`).join(", ")}.`);
} finally {
  await handle.close();
}
