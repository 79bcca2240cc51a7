// A host app's schema file, as README "Mount it in your Next.js app" tells a host to write it: its
// own users table with the plugin's columns spread in, and the plugin's tables re-exported.
import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { twoFactorUserColumns } from "@/lib/two-factor/schema";

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  displayName: text("display_name"),
  ...twoFactorUserColumns(),
  joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
});

export { backupCodes, signInTickets, smsChallenges, trustedDevices } from "@/lib/two-factor/schema";
