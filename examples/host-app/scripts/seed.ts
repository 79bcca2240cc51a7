import { openDatabase } from "../db";
import { organizations } from "../schema";

// An organization requiring two-step authentication; new users at example.test join it.
const { db, close } = openDatabase();
try {
  await db.insert(organizations).values({ name: "Example", emailDomain: "example.test", requireTwoFactor: true }).onConflictDoNothing();
} finally {
  await close();
}
