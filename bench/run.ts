// `npm run bench`: issue 6's figures, each beside a baseline measured in the same run.
// See bench/README.md for what each figure means.
import "./lib/production-env";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { rowsOf } from "../lib/db/rows";
import { measureBetterAuth, stopBetterAuth, type PeerResult } from "./better-auth";
import { measureGateDecision } from "./gate-decision";
import { CONNECTIONS, benchSecrets, databaseTarget, DIST_DIR, OUT_DIR, PORT_BASE, ROOT } from "./lib/config";
import { compareAlternating, type LoadResult } from "./lib/load";
import { createBenchDatabase, dropBenchDatabase, settledTransactionCount } from "./lib/pg";
import { seedBenchData } from "./lib/seed";
import { ensureBuild, sampleRss, setGate, startServer, stopAllServers, type RunningServer } from "./lib/server";
import { treeRss } from "./lib/proc";
import { BETTER_AUTH, figureRows } from "./lib/figures";
import { fmt, renderTable } from "./lib/table";
import { MEMBER_COUNTS, measureMembers, type MembersResult } from "./members";
import {
  runBareArgon2,
  runPasswordSignIns,
  runRejectedActions,
  runVerifications,
  signInTemplate,
  verifyOnce,
  verifyTemplate,
} from "./verify";

const QUICK = process.env.BENCH_QUICK === "1";
const PLAN = {
  challenges: QUICK ? 2_000 : 10_000,
  warmupChallenges: 150,
  signInUsers: 600,
  verifySeconds: QUICK ? 5 : 15,
  rejectedSeconds: QUICK ? 2 : 5,
  argonSeconds: QUICK ? 2 : 5,
  signInSeconds: QUICK ? 3 : 8,
  pairs: QUICK ? 2 : 6,
  roundSeconds: QUICK ? 2 : 5,
  warmupSeconds: 4,
};
const MiB = 1024 * 1024;

const started = performance.now();
const transcript: string[] = [];
function log(line = "") {
  console.log(line);
  transcript.push(line);
}
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const warnings: string[] = [];

function machine() {
  const cpus = os.cpus();
  const nextVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "next", "package.json"), "utf8")) as { version: string }).version;
  return {
    date: new Date().toISOString(),
    cpus: `${os.availableParallelism()} × ${cpus[0]?.model ?? "unknown CPU"}`,
    memory: `${fmt(os.totalmem() / 1024 ** 3, 1)} GiB`,
    node: process.version,
    next: nextVersion,
    kernel: `${os.type()} ${os.release()}`,
  };
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function idleRss(server: RunningServer): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(treeRss(server.pid));
    await sleep(200);
  }
  return medianOf(samples);
}

async function expectPage(server: RunningServer, pathname: string, cookie: string | null, status: number, text?: string) {
  const response = await fetch(`${server.origin}${pathname}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const body = await response.text();
  if (response.status !== status || (text && !body.includes(text))) {
    throw new Error(
      `${server.name}: GET ${pathname} ${cookie ? "with" : "without"} a session answered ${response.status} ` +
        `(expected ${status}${text ? ` with "${text}"` : ""}), location ${response.headers.get("location")}`,
    );
  }
}

async function countRows(handle: DatabaseHandle, query: string): Promise<number> {
  return Number(rowsOf<{ n: number | string }>(await handle.db.execute(sql.raw(query)))[0]?.n ?? Number.NaN);
}

function checkLoad(label: string, result: LoadResult) {
  if (result.non2xx > 0 || result.errors > 0) warnings.push(`${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
}

async function main() {
  const info = machine();
  const target = databaseTarget();
  log(`Connect 2FA benchmarks (issue 6)${QUICK ? " — BENCH_QUICK=1: short runs, for trying the bench, not for figures" : ""}`);
  log(`date ${info.date}; ${info.cpus}; ${info.memory} RAM; ${info.kernel}; Node ${info.node}; Next.js ${info.next}`);
  log(`database: ${target.description}`);
  log(`load: autocannon, ${CONNECTIONS} connections, loopback; servers: next start of ${DIST_DIR} on 127.0.0.1:${PORT_BASE} (gate on) and :${PORT_BASE + 1} (MIDDLEWARE_GATE=off)`);
  log();

  const build = await ensureBuild(log);
  if (build.built) log(`built in ${fmt(build.seconds, 0)} s`);
  else log(`using the existing build in ${DIST_DIR}${build.staleNote ? ` — note: ${build.staleNote}` : ""}`);
  if (build.staleNote) warnings.push(build.staleNote);

  const secrets = benchSecrets();

  log(`[${elapsed()}] item 2: the gate decision in process ...`);
  const gate = await measureGateDecision(secrets, randomUUID());

  log(`[${elapsed()}] preparing the database ...`);
  let handle: DatabaseHandle;
  if (target.kind === "postgres") {
    await createBenchDatabase(target);
    handle = await openDatabase({ url: target.url });
  } else {
    fs.rmSync(target.pgliteDirs!.gateOn, { recursive: true, force: true });
    fs.rmSync(target.pgliteDirs!.gateOff, { recursive: true, force: true });
    handle = await openDatabase({ dataDir: target.pgliteDirs!.gateOn });
  }
  await migrateDatabase(handle);
  const data = await seedBenchData(handle.db, secrets, PLAN);
  await handle.close();
  if (target.kind === "pglite") fs.cpSync(target.pgliteDirs!.gateOn, target.pgliteDirs!.gateOff, { recursive: true });
  log(
    `  seeded in ${fmt(data.seconds, 1)} s: ${fmt(data.challenges.length + data.warmupChallenges.length, 0)} enrolled members with a live ` +
      `sign-in challenge each, ${data.signInEmails.length} password-only members`,
  );

  const common: Record<string, string> = { ...secrets, BENCH_PAGES: "1", ...(target.url ? { DATABASE_URL: target.url } : {}) };
  log(`[${elapsed()}] starting the servers ...`);
  const [gateOn, gateOff] = await Promise.all([
    startServer({ name: "gate-on", port: PORT_BASE, env: { ...common, ...(target.pgliteDirs ? { PGLITE_DATA_DIR: target.pgliteDirs.gateOn } : {}) } }),
    startServer({
      name: "gate-off",
      port: PORT_BASE + 1,
      env: { ...common, MIDDLEWARE_GATE: "off", ...(target.pgliteDirs ? { PGLITE_DATA_DIR: target.pgliteDirs.gateOff } : {}) },
    }),
  ]);

  // The verify path once, checked in full; its session cookie is the one the page loads use.
  const [first, second, ...warmups] = data.warmupChallenges;
  const template = await verifyTemplate(gateOn, secrets.SESSION_PASSWORD, first!);
  const session = await verifyOnce(gateOn, template, secrets.SESSION_PASSWORD, second!);
  log(`  a verification through the challenge page's server action signed in; its session cookie drives the page loads`);
  await expectPage(gateOn, "/", session, 200, "Welcome");
  await expectPage(gateOff, "/", session, 200, "Welcome");
  await expectPage(gateOff, "/bench/plain", session, 200, "Welcome");
  await expectPage(gateOn, "/bench/plain", null, 307); // the gate sends an anonymous visitor to sign-in
  await expectPage(gateOff, "/bench/plain", null, 200); // ... and is off on the baseline server
  await expectPage(gateOff, "/", null, 307); // the server-side check holds without the gate

  await sleep(1000);
  const rss = { idleOn: await idleRss(gateOn), idleOff: await idleRss(gateOff), loadOn: 0, loadOff: 0 };
  log(`  idle RSS: gate on ${fmt(rss.idleOn / MiB, 0)} MiB, gate off ${fmt(rss.idleOff / MiB, 0)} MiB`);

  // Item 1 on one server, its gate switched off and on between rounds (SIGUSR2, BENCH_PAGES=1):
  // two processes of the same build differ by a few percent by themselves, which the ratio would
  // count as the gate's cost. Page loads come before item 4, so no round carries its heap.
  log(`[${elapsed()}] items 1 and 6: / through the gate vs the same server with the gate switched off, memory sampled ...`);
  const page = (server: RunningServer, pathname: string) => ({ label: `${server.name} ${pathname}`, origin: server.origin, path: pathname, headers: { cookie: session } });
  let loadPeak = 0;
  const item1 = await compareAlternating(page(gateOn, "/"), page(gateOn, "/"), {
    pairs: PLAN.pairs,
    seconds: PLAN.roundSeconds,
    warmupSeconds: PLAN.warmupSeconds,
    around: async (side, run) => {
      await setGate(gateOn, side === "a" ? "on" : "off");
      const sampler = sampleRss(gateOn.pid);
      const result = await run();
      loadPeak = Math.max(loadPeak, sampler.stop().peak);
      return result;
    },
  });
  await setGate(gateOn, "on");
  rss.loadOn = loadPeak;
  checkLoad("item 1, gate on", item1.a);
  checkLoad("item 1, gate off", item1.b);
  // The same method with nothing to find: how far this machine moves a ratio that should be 1.
  log(`[${elapsed()}] item 1: the method's noise floor, the same server and state against itself ...`);
  const floor = await compareAlternating(page(gateOn, "/"), page(gateOn, "/"), {
    pairs: PLAN.pairs,
    seconds: PLAN.roundSeconds,
    warmupSeconds: PLAN.warmupSeconds,
  });

  log(`[${elapsed()}] item 3: / vs /bench/plain on the gate-off server ...`);
  const item3 = await compareAlternating(page(gateOff, "/"), page(gateOff, "/bench/plain"), {
    pairs: PLAN.pairs,
    seconds: PLAN.roundSeconds,
    warmupSeconds: PLAN.warmupSeconds,
    around: async (_side, run) => {
      const sampler = sampleRss(gateOff.pid);
      const result = await run();
      rss.loadOff = Math.max(rss.loadOff, sampler.stop().peak);
      return result;
    },
  });
  checkLoad("item 3, /", item3.a);
  checkLoad("item 3, /bench/plain", item3.b);

  log(`[${elapsed()}] item 4: SMS-code verifications ...`);
  const warm = await runVerifications(gateOn, template, secrets.SESSION_PASSWORD, warmups, { amount: 100, trustDevice: false, firstClientIp: 100_000 });
  if (warm.signedIn !== warm.result.requests) {
    throw new Error(`warm-up: ${warm.failed} of ${warm.result.requests} verifications with the right code did not sign in`);
  }
  // At most 60% of the seeded challenges, so a slow warm-up estimate cannot run out of them.
  const amount = Math.max(300, Math.min(Math.round((warm.signedIn / warm.result.seconds) * PLAN.verifySeconds), Math.floor(data.challenges.length * 0.6)));
  const postgres = target.kind === "postgres";
  if (postgres) log(`  waiting for pg_stat_database to settle (${11} s) ...`);
  const before = postgres ? await settledTransactionCount(target) : Number.NaN;
  const verify = await runVerifications(gateOn, template, secrets.SESSION_PASSWORD, data.challenges, { amount, trustDevice: false });
  if (postgres) log(`  waiting for pg_stat_database to settle (${11} s) ...`);
  const after = postgres ? await settledTransactionCount(target) : Number.NaN;
  if (verify.failed > 0) warnings.push(`item 4: ${verify.failed} of ${verify.result.requests} verifications did not sign in`);
  const transactionsPerVerification = (after - before) / verify.signedIn;
  log(`  ${verify.signedIn} verifications signed in, ${fmt(verify.signedIn / verify.result.seconds, 0)}/s, p99 ${fmt(verify.result.p99, 1)} ms`);
  const rejected = await runRejectedActions(gateOn, template, secrets.SESSION_PASSWORD, data.challenges.at(-1)!, PLAN.rejectedSeconds);

  log(`[${elapsed()}] item 4: password sign-ins ...`);
  const signTemplate = await signInTemplate(gateOn);
  const bareArgon = await runBareArgon2(PLAN.argonSeconds);
  const signIns = await runPasswordSignIns(gateOn, signTemplate, data.signInEmails, PLAN.signInSeconds);
  if (signIns.failed > 0) warnings.push(`sign-ins: ${signIns.failed} of ${signIns.result.requests} did not sign in`);

  await stopAllServers();

  // The peer, on the same PostgreSQL server, while ours are stopped.
  let peer: PeerResult | null = null;
  if (postgres) {
    log(`[${elapsed()}] item 4: Better Auth's twoFactor verify-otp, the same way (bench/peer) ...`);
    peer = await measureBetterAuth({ adminUrl: target.adminUrl!, port: PORT_BASE + 10, challenges: 2_000, seconds: PLAN.verifySeconds, log: (line) => log(line) });
    log(`  ${peer.verified} verifications, ${fmt(peer.verificationsPerSecond, 0)}/s, p99 ${fmt(peer.p99, 1)} ms, ${fmt(peer.transactionsPerVerification, 2)} transactions each`);
  } else {
    log(`  item 4's peer (Better Auth) runs on PostgreSQL only: set BENCH_DATABASE_URL`);
  }

  // The database's own account of the load: every verification counted as signed in consumed a
  // challenge, and every session issued left its audit event. Then item 5 on the same database.
  handle = target.kind === "postgres" ? await openDatabase({ url: target.url }) : await openDatabase({ dataDir: target.pgliteDirs!.gateOn });
  let members: MembersResult;
  try {
    const consumed = await countRows(handle, "select count(*) as n from sms_challenges where consumed_at is not null");
    const recorded = await countRows(
      handle,
      "select count(*) as n from audit_events where type in ('sign_in.succeeded', 'sign_in.second_factor_succeeded')",
    );
    const verifications = 1 + warm.signedIn + verify.signedIn;
    const sessions = verifications + signIns.signedIn;
    // A timed run stops counting with requests in flight: the server may finish up to one per client more.
    log(
      `  the database agrees: ${consumed} challenges consumed (the bench counted ${verifications} verifications), ` +
        `${recorded} sign-ins recorded in the audit log (counted ${sessions} sessions issued, + up to ${CONNECTIONS} in flight when the sign-in run stopped)`,
    );
    if (consumed !== verifications || recorded < sessions || recorded > sessions + CONNECTIONS) {
      warnings.push(`the database counts ${consumed} consumed challenges and ${recorded} recorded sign-ins, the bench ${verifications} and ${sessions}`);
    }

    log(`[${elapsed()}] item 5: members page queries at ${MEMBER_COUNTS.map((n) => n.toLocaleString("en-US")).join(", ")} members ...`);
    members = await measureMembers(handle, log);
  } finally {
    await handle.close();
  }
  if (members.status === "waiting") log(`  item 5: waiting for the members page (issue 5): ${members.reason}`);

  const table = renderTable(figureRows({ challenges: PLAN.challenges, gate, verify, rejected, transactionsPerVerification, bareArgon, signIns, item1, floor, item3, rss, members, peer }, postgres));
  log();
  log(table);
  log();
  log(
    `Goals: issue 6. Ratios are measured ÷ baseline. Item 4 is compared with Better Auth 1.7's twoFactor verify-otp measured in this run ` +
      `(PostgreSQL only) and with the issue's figure of it from another day (${BETTER_AUTH.verificationsPerSecond}/s, p99 ${BETTER_AUTH.p99Ms} ms, ` +
      `${BETTER_AUTH.transactionsPerVerification} transactions); its "bare route" is the same verify route rejected at input validation. ` +
      `Item 5's buffers are the 8 KiB database pages its queries access (hits + reads, EXPLAIN (ANALYZE, BUFFERS)), a count independent of the machine's noise.`,
  );
  for (const warning of warnings) log(`warning: ${warning}`);
  log(`bench took ${elapsed()}${build.built ? ` (of which the build ${fmt(build.seconds, 0)} s)` : ""}; database: ${target.description}`);
}

let cleaning = false;
async function cleanUp() {
  if (cleaning) return;
  cleaning = true;
  await stopAllServers();
  await stopBetterAuth();
  const target = databaseTarget();
  if (target.kind === "postgres") await dropBenchDatabase(target).catch((error: Error) => console.error(`could not drop ${target.databaseName}: ${error.message}`));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the servers ...`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  await main();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, "last-run.md"), `${transcript.join("\n")}\n`);
} catch (error) {
  console.error(`bench failed after ${elapsed()}: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
