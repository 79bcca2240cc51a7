// `npm run bench:verify`: item 4's verification alone, on one gate-on server, in rounds, with the
// CPU each verification costs the server and PostgreSQL (from /proc). For measuring a change to
// the verify path; `npm run bench` remains the figures. PostgreSQL only.
import { openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { serverNodeOptions } from "../scripts/node-options";
import { benchSecrets, databaseTarget, PORT_BASE } from "./lib/config";
import { percentile } from "./lib/load";
import { createBenchDatabase, dropBenchDatabase } from "./lib/pg";
import { seedBenchData } from "./lib/seed";
import { ensureBuild, startServer, stopAllServers } from "./lib/server";
import { cpuSecondsOf, postgresCpuSeconds, serverProcessOf } from "./lib/cpu";
import { runVerifications, verifyOnce, verifyTemplate } from "./verify";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const PER_ROUND = Number(process.env.BENCH_ROUND_VERIFICATIONS || 1500);
const WARMUP = 350;
// autocannon builds a few requests past the amount: each round gets its own challenges with room to spare.
const STRIDE = PER_ROUND + 50;

const target = databaseTarget();
if (target.kind !== "postgres") {
  console.error("bench:verify measures PostgreSQL's CPU too: set BENCH_DATABASE_URL");
  process.exit(1);
}
const build = await ensureBuild((line) => console.log(line));
if (build.staleNote) console.log(`note: ${build.staleNote}`);
const secrets = benchSecrets();
await createBenchDatabase(target);
try {
  const handle = await openDatabase({ url: target.url! });
  await migrateDatabase(handle);
  const data = await seedBenchData(handle.db, secrets, { challenges: ROUNDS * STRIDE, warmupChallenges: WARMUP + 2, signInUsers: 1 });
  await handle.close();

  const server = await startServer({
    name: "verify-rounds",
    port: PORT_BASE + 20,
    env: { ...secrets, BENCH_PAGES: "1", DATABASE_URL: target.url!, NODE_OPTIONS: `${serverNodeOptions()} ${process.env.BENCH_SERVER_NODE_OPTIONS ?? ""}`.trim() },
  });
  const pid = serverProcessOf(server.pid);
  const [first, second, ...warm] = data.warmupChallenges;
  const template = await verifyTemplate(server, secrets.SESSION_PASSWORD, first!);
  await verifyOnce(server, template, secrets.SESSION_PASSWORD, second!);
  await runVerifications(server, template, secrets.SESSION_PASSWORD, warm, { amount: WARMUP - 20, trustDevice: false, firstClientIp: 100_000 });
  console.log(`${ROUNDS} rounds of ${PER_ROUND} verifications at 10 clients, ${data.challenges.length} live challenges; server pid ${pid}`);
  for (let round = 0; round < ROUNDS; round++) {
    const challenges = data.challenges.slice(round * STRIDE, (round + 1) * STRIDE);
    const server0 = cpuSecondsOf(pid);
    const pg0 = postgresCpuSeconds();
    const run = await runVerifications(server, template, secrets.SESSION_PASSWORD, challenges, {
      amount: PER_ROUND,
      trustDevice: false,
      firstClientIp: 200_000 + round * STRIDE,
    });
    const ms = (seconds: number) => `${((seconds / run.signedIn) * 1000).toFixed(2)} ms`;
    const sorted = [...run.result.latencies].sort((a, b) => a - b);
    const at = (p: number) => percentile(sorted, p).toFixed(1);
    console.log(
      `round ${round + 1}: ${(run.signedIn / run.result.seconds).toFixed(0)}/s, p50 ${at(50)} p90 ${at(90)} p99 ${at(99)} max ${at(100)} ms; ` +
        `CPU per verification: server ${ms(cpuSecondsOf(pid) - server0)}, PostgreSQL ${ms(postgresCpuSeconds() - pg0)}` +
        (run.failed > 0 ? `; ${run.failed} did not sign in` : ""),
    );
  }
  console.log(`server log: ${server.logFile}`);
} finally {
  await stopAllServers();
  await dropBenchDatabase(target);
}
