// Starts `npm start` (the production server) for one e2e target on a fresh database:
// E2E_DB=pglite -> a new PGlite directory; E2E_DB=postgres -> a new database on TEST_DATABASE_URL.
// E2E_JOIN_PORT=<port> (PostgreSQL only): a second instance on the database of the server on that
// port, which made, migrated and seeded it; this one neither drops nor seeds it.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { assertSafeDatabaseName, withAdminConnection } from "../../lib/db/admin";
import { openDatabase } from "../../lib/db/client";
import { migrateDatabase } from "../../lib/db/migrate";
import { E2E_PASSWORD } from "./env";
import { seedE2eData } from "./seed";

const target = process.env.E2E_DB ?? "pglite";
const joinPort = process.env.E2E_JOIN_PORT ? Number(process.env.E2E_JOIN_PORT) : null;
const env: NodeJS.ProcessEnv = { ...process.env };
if (joinPort !== null && target !== "postgres") throw new Error("E2E_JOIN_PORT needs E2E_DB=postgres (PGlite lives inside one server)");

if (target === "postgres") {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("E2E_DB=postgres needs TEST_DATABASE_URL");
  const name = assertSafeDatabaseName(`c2fa_e2e_${joinPort ?? Number(process.env.PORT)}`);
  if (joinPort === null) {
    await withAdminConnection(adminUrl, async (admin) => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
    });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
} else {
  const dir = path.join(".test-data", `e2e-pglite-${process.env.PORT}`);
  fs.rmSync(dir, { recursive: true, force: true });
  env.DATABASE_URL = "";
  env.PGLITE_DATA_DIR = dir;
}

if (joinPort === null) {
  const handle = await openDatabase({ url: env.DATABASE_URL || undefined, dataDir: env.PGLITE_DATA_DIR });
  await migrateDatabase(handle);
  await seedE2eData(handle.db, E2E_PASSWORD);
  await handle.close();
}

// The app server's output goes to the console as before and to a log file, which the
// secrets-in-logs test (tests/e2e/security.spec.ts) searches for codes, tokens and phone numbers.
fs.mkdirSync(".test-data", { recursive: true });
const log = fs.openSync(path.join(".test-data", `e2e-server-${process.env.PORT}.log`), "w");
const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "-p", String(process.env.PORT)], {
  stdio: ["inherit", "pipe", "pipe"],
  env,
});
child.stdout.on("data", (chunk: Buffer) => {
  fs.writeSync(log, chunk);
  process.stdout.write(chunk);
});
child.stderr.on("data", (chunk: Buffer) => {
  fs.writeSync(log, chunk);
  process.stderr.write(chunk);
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
