// `npm run bench:pages`: item 3's two pages alone on one gate-off server, alternating rounds, with
// the CPU each request costs the server and PostgreSQL (from /proc): what the server-side check
// costs in CPU, a figure that moves less than item 3's rate. PostgreSQL only.
import { combine, runLoad, type LoadResult } from "./lib/load";
import { onOneServer, pageUserHeaders } from "./lib/one-server";
import { cpuSecondsOf, postgresCpuSeconds } from "./lib/proc";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 4);
const SECONDS = 4;
const PAGES = ["/", "/bench/plain"] as const;

await onOneServer(
  { name: "page-rounds", portOffset: 21, seed: { challenges: 1, warmupChallenges: 1, signInUsers: 1 }, env: { MIDDLEWARE_GATE: "off" } },
  async (run) => {
    const { server, pid } = run;
    const headers = await pageUserHeaders(run);
    const load = (path: string, seconds: number) => runLoad({ label: path, origin: server.origin, path, headers }, { seconds });
    for (const path of PAGES) await load(path, 3); // warm-up

    const runs = new Map<string, { results: LoadResult[]; server: number; postgres: number }>(PAGES.map((p) => [p, { results: [], server: 0, postgres: 0 }]));
    console.log(`${ROUNDS} rounds of ${SECONDS} s per page at 10 clients, alternating; server pid ${pid}`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of PAGES) {
        const server0 = cpuSecondsOf(pid);
        const postgres0 = postgresCpuSeconds();
        const result = await load(path, SECONDS);
        const run = runs.get(path)!;
        run.results.push(result);
        run.server += cpuSecondsOf(pid) - server0;
        run.postgres += postgresCpuSeconds() - postgres0;
        if (result.non2xx > 0 || result.errors > 0) console.log(`  ${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      }
    }
    const summary = PAGES.map((path) => {
      const run = runs.get(path)!;
      const all = combine(run.results);
      return { path, rps: all.rps, p50: all.p50, p99: all.p99, server: (run.server / all.requests) * 1000, postgres: (run.postgres / all.requests) * 1000 };
    });
    for (const s of summary) {
      console.log(`${s.path}: ${s.rps.toFixed(0)}/s, p50 ${s.p50.toFixed(1)} p99 ${s.p99.toFixed(1)} ms; CPU per request: server ${s.server.toFixed(2)} ms, PostgreSQL ${s.postgres.toFixed(2)} ms`);
    }
    const [checked, plain] = summary;
    console.log(`/ ÷ /bench/plain: ${(checked!.rps / plain!.rps).toFixed(3)} × the rate; the check costs ${(checked!.server - plain!.server).toFixed(2)} ms of server CPU per request (${((checked!.server / plain!.server - 1) * 100).toFixed(0)} %)`);
  },
);
