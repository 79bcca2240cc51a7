import { systemClock } from "../lib/clock";
import { databaseOptionsFromEnv, openDatabase } from "../lib/db/client";
import { loggableError } from "../lib/db/loggable-error";
import { sweepExpiredRows } from "../lib/housekeeping";

// `npm run db:sweep`: deletes the expired rows once and prints how many, per table.
const handle = await openDatabase(databaseOptionsFromEnv());
try {
  const counts = await sweepExpiredRows({ db: handle.db, clock: systemClock });
  for (const [table, deleted] of Object.entries(counts)) console.log(`${table.padEnd(24)} ${deleted}`);
  console.log(`Swept ${handle.description}.`);
} catch (error) {
  console.error(`The sweep failed: ${loggableError(error)}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
