import { randomBytes } from "node:crypto";
import { withAdminConnection } from "@/lib/db/admin";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";

export interface DatabaseTarget {
  name: "pglite" | "postgres";
  /** A fresh, migrated database that no other test file sees. */
  open(): Promise<DatabaseHandle>;
}

/** PGlite always; PostgreSQL as well when TEST_DATABASE_URL is set. */
export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ name: "pglite", open: openFreshPglite }];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) targets.push({ name: "postgres", open: () => openFreshPostgres(adminUrl) });
  return targets;
}

async function openFreshPglite(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ dataDir: "memory://" });
  await migrateDatabase(handle);
  return handle;
}

/** Creates a throwaway database on the server and drops it again on close. */
export async function openFreshPostgres(adminUrl: string): Promise<DatabaseHandle> {
  const name = `c2fa_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await withAdminConnection(adminUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  await migrateDatabase(handle);
  return {
    ...handle,
    async close() {
      await handle.close();
      await withAdminConnection(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}
