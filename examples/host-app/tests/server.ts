// Starts the host app (`npm start`: migrate, then `next start`) for one e2e server on a fresh
// database, seeded: a new PGlite directory, or a new database on TEST_DATABASE_URL when it is set.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const port = Number(process.env.PORT);
const env: NodeJS.ProcessEnv = { ...process.env };
// HOST_APP_DB=pglite keeps a server on PGlite when TEST_DATABASE_URL is set (CI runs both).
const adminUrl = process.env.HOST_APP_DB === "pglite" ? undefined : process.env.TEST_DATABASE_URL;

if (adminUrl) {
  const name = `host_app_e2e_${port}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
} else {
  const dir = path.join(".test-data", `pglite-${port}`);
  fs.rmSync(dir, { recursive: true, force: true });
  env.DATABASE_URL = "";
  env.PGLITE_DATA_DIR = dir;
}

const tsx = (script: string) => [process.execPath, ["--import", "tsx", script]] as const;
execFileSync(...tsx("scripts/migrate.ts"), { env, stdio: "inherit" });
execFileSync(...tsx("scripts/seed.ts"), { env, stdio: "inherit" });
const [node, args] = tsx("scripts/start.ts");
const child = spawn(node, [...args, "-p", String(port)], { env, stdio: "inherit" });
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
