// `npm run bench:memory`: item 6 alone. One gate-on server, the protected page `/` under item 1's
// load (10 clients) in rounds, the resident memory of the server's process tree sampled every
// 200 ms: idle after start, idle after one page, and each round's peak. For finding what moves
// item 6; `npm run bench` remains the issue's figures. PostgreSQL only.
import { runLoad } from "./lib/load";
import { onOneServer, pageUserHeaders } from "./lib/one-server";
import { treeRss } from "./lib/proc";
import { sampleRss } from "./lib/server";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 6);
const SECONDS = 10;
const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

await onOneServer(
  { name: "memory-rounds", portOffset: 22, seed: { challenges: 1, warmupChallenges: 1, signInUsers: 1 } },
  async (run) => {
    const { server } = run;
    const startedRss = treeRss(server.pid);
    const headers = await pageUserHeaders(run);
    console.log(`server tree RSS: at start ${mib(startedRss)}, after one page ${mib(treeRss(server.pid))}`);
    console.log(`${ROUNDS} rounds of ${SECONDS} s of / at 10 clients (gate on); NODE_OPTIONS extra: ${process.env.BENCH_SERVER_NODE_OPTIONS || "(none)"}`);
    let peak = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const sampler = sampleRss(server.pid);
      const result = await runLoad({ label: "/", origin: server.origin, path: "/", headers }, { seconds: SECONDS });
      const rss = sampler.stop();
      peak = Math.max(peak, rss.peak);
      const failures = result.non2xx + result.errors;
      console.log(`  round ${round}: ${result.rps.toFixed(0)}/s, RSS peak ${mib(rss.peak)}, mean ${mib(rss.mean)}${failures ? `, ${failures} failed requests` : ""}`);
    }
    console.log(`peak under load: ${mib(peak)} (item 6's goal: under 400 MiB); idle after: ${mib(treeRss(server.pid))}`);
  },
);
