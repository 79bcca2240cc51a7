import { systemClock, type Clock } from "./clock";
import { getDb } from "./db/client";
import type { Db } from "./db/client";

/** What the app hands the core: the process database and the real clock. */
export async function appDeps(): Promise<{ db: Db; clock: Clock }> {
  return { db: await getDb(), clock: systemClock };
}
