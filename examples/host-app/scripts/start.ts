import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { migrateDatabase } from "./migrate";

// `npm start`: migrate, then `next start` (arguments passed on, e.g. -p 3000).
await migrateDatabase();
const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
const child = spawn(process.execPath, [next, "start", ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
