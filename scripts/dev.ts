import { spawn } from "node:child_process";
import { databaseOptionsFromEnv, openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { DEMO_ACCOUNTS, isDatabaseEmpty, seedDemoData } from "../lib/db/seed";
import { ensureDevAppUrl, ensureDevOAuthClients, ensureDevSecrets, seedPassword } from "./env";

// `npm run dev`: migrate, seed an empty database, make dev secrets, then `next dev`.
const generated = ensureDevSecrets();
if (generated.length > 0) console.log(`Generated dev ${generated.join(" and ")} in .data/dev-secrets.json.`);

const handle = await openDatabase(databaseOptionsFromEnv());
const password = seedPassword();
try {
  await migrateDatabase(handle);
  if (await isDatabaseEmpty(handle.db)) {
    await seedDemoData(handle.db, password);
    console.log("Seeded the demo organization Acme.");
  }
} finally {
  await handle.close();
}

const port = process.env.PORT || "3000";
const appUrl = ensureDevAppUrl();
console.log(`\nConnect is starting on http://localhost:${port} (database: ${handle.description})`);
console.log(`Password reset links point at ${appUrl} (APP_URL).`);
const demoApp = process.env.OAUTH_CLIENTS === undefined;
ensureDevOAuthClients();
console.log(demoApp ? `Native apps sign in at ${appUrl}/oauth/authorize as the demo client connect-mobile-dev (OAUTH_CLIENTS).` : "Native apps: the clients in OAUTH_CLIENTS.");
console.log("Demo accounts:");
for (const account of DEMO_ACCOUNTS) console.log(`  ${account.email.padEnd(22)} ${account.role.padEnd(7)} password: ${password}`);
console.log(process.env.SEED_PASSWORD ? "  (password from SEED_PASSWORD)" : "");

const child = spawn(process.execPath, [require_next(), "dev", "-p", port, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: process.env,
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));

function require_next() {
  return new URL("../node_modules/next/dist/bin/next", import.meta.url).pathname;
}
