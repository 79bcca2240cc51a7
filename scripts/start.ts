import { spawn } from "node:child_process";
import { oauthSettingsFromEnv } from "../lib/config/oauth";
import { secretProblems } from "../lib/config/secrets";
import { openDatabase } from "../lib/db/client";
import { migrateDatabase, migratesOnStart, migrationDatabaseOptions } from "../lib/db/migrate";
import { serverNodeOptions } from "./node-options";

// `npm start`: refuse to start without proper secrets, migrate (unless MIGRATE_ON_START=0: the
// deploy step runs `npm run db:migrate`), then `next start`.
(process.env as Record<string, string>).NODE_ENV = "production";
const oauth = oauthSettingsFromEnv(process.env);
const problems = [...secretProblems(process.env), ...(oauth.ok ? [] : oauth.errors)];
if (problems.length > 0) {
  for (const problem of problems) console.error(`Refusing to start: ${problem}`);
  process.exit(1);
}

if (migratesOnStart()) {
  const handle = await openDatabase(migrationDatabaseOptions());
  try {
    await migrateDatabase(handle);
  } finally {
    await handle.close();
  }
}

const next = new URL("../node_modules/next/dist/bin/next", import.meta.url).pathname;
const child = spawn(process.execPath, [next, "start", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, NODE_OPTIONS: serverNodeOptions() },
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
