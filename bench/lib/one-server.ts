import { sessionTokenFor } from "../../lib/auth/session-cookie";
import { openDatabase } from "../../lib/db/client";
import { migrateDatabase } from "../../lib/db/migrate";
import { serverNodeOptions } from "../../scripts/node-options";
import { benchSecrets, databaseTarget, PORT_BASE, type Secrets } from "./config";
import { createBenchDatabase, dropBenchDatabase } from "./pg";
import { serverProcessOf } from "./proc";
import { seedBenchData, type BenchData, type SeedCounts } from "./seed";
import { ensureBuild, startServer, stopAllServers, type RunningServer } from "./server";

export interface OneServer {
  secrets: Secrets;
  data: BenchData;
  server: RunningServer;
  /** The process that serves (its CPU is the server's). */
  pid: number;
}

/**
 * The frame of a one-server tool (`bench:verify`, `bench:pages`): PostgreSQL only (it reads
 * PostgreSQL's CPU too), the bench build, its own database seeded, one `next start` with
 * BENCH_PAGES=1 and BENCH_SERVER_NODE_OPTIONS added to its NODE_OPTIONS; all stopped and dropped at the end.
 */
export async function onOneServer(
  tool: { name: string; portOffset: number; seed: SeedCounts; env?: Record<string, string> },
  work: (run: OneServer) => Promise<void>,
): Promise<void> {
  const target = databaseTarget();
  if (target.kind !== "postgres") {
    console.error(`${tool.name} measures PostgreSQL's CPU too: set BENCH_DATABASE_URL`);
    process.exit(1);
  }
  const build = await ensureBuild((line) => console.log(line));
  if (build.staleNote) console.log(`note: ${build.staleNote}`);
  const secrets = benchSecrets();
  await createBenchDatabase(target);
  try {
    const handle = await openDatabase({ url: target.url! });
    await migrateDatabase(handle);
    const data = await seedBenchData(handle.db, secrets, tool.seed);
    await handle.close();
    const server = await startServer({
      name: tool.name,
      port: PORT_BASE + tool.portOffset,
      env: {
        ...secrets,
        BENCH_PAGES: "1",
        DATABASE_URL: target.url!,
        NODE_OPTIONS: `${serverNodeOptions()} ${process.env.BENCH_SERVER_NODE_OPTIONS ?? ""}`.trim(),
        ...tool.env,
      },
    });
    await work({ secrets, data, server, pid: serverProcessOf(server.pid) });
  } finally {
    await stopAllServers();
    await dropBenchDatabase(target);
  }
}

/**
 * The page user's session cookie, as the verify step would have issued it (over http: no
 * __Secure- prefix), checked once: `/` must welcome them. The headers every page load sends.
 */
export async function pageUserHeaders({ secrets, data, server }: OneServer): Promise<{ cookie: string }> {
  const token = await sessionTokenFor({ userId: data.pageUser.id, amr: ["pwd", "sms"], authTime: Date.now() }, secrets.AUTH_SECRET, "authjs.session-token");
  const headers = { cookie: `authjs.session-token=${token}` };
  const welcome = await fetch(`${server.origin}/`, { headers, redirect: "manual" });
  if (welcome.status !== 200 || !(await welcome.text()).includes("Welcome")) throw new Error(`/ with the page user's session answered ${welcome.status}`);
  return headers;
}
