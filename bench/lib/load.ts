import autocannon, { type AutocannonClient, type AutocannonRequest } from "autocannon";
import { CONNECTIONS } from "./config";

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Requests per second over the whole measured time. */
  rps: number;
  /** Latency percentiles over every response (ms). */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  latencies: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(latencies: number[], seconds: number, non2xx: number, errors: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    non2xx,
    errors,
    latencies,
  };
}

/** Several runs of the same target as one: all their responses, all their time. */
export function combine(results: LoadResult[]): LoadResult {
  return summarize(
    results.flatMap((r) => r.latencies),
    results.reduce((sum, r) => sum + r.seconds, 0),
    results.reduce((sum, r) => sum + r.non2xx, 0),
    results.reduce((sum, r) => sum + r.errors, 0),
  );
}

export interface Target {
  label: string;
  origin: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RunOptions {
  seconds?: number;
  /** A fixed number of requests instead of a duration. */
  amount?: number;
  connections?: number;
  /** Per-client request list (each client gets its own copy, see runLoad). */
  requests?: () => AutocannonRequest[];
}

/**
 * One autocannon run. Latencies come from every response (so runs can be merged exactly);
 * the time is the run's own wall-clock duration (to its last answer for a fixed `amount`).
 */
export async function runLoad(target: Target, options: RunOptions = {}): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  let lastResponse = started;
  const instance = autocannon({
    url: `${target.origin}${target.path}`,
    connections: options.connections ?? CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
    method: target.method ?? "GET",
    headers: target.headers ?? {},
    ...(target.body !== undefined ? { body: target.body } : {}),
    timeout: 30,
    ...(options.requests
      ? {
          requests: options.requests(),
          // autocannon shares one request list between its clients and builds every client's
          // first request at construction, so the clients' first requests would all be the last
          // one built. A list per client keeps every request distinct.
          setupClient: (client: AutocannonClient) => client.setRequests(options.requests!()),
        }
      : {}),
  });
  instance.on("response", (_client: unknown, status: number, _bytes: number, time: number) => {
    lastResponse = performance.now();
    latencies.push(time);
    if (status < 200 || status > 299) non2xx++;
  });
  instance.on("reqError", () => {
    errors++;
  });
  await instance;
  // A run of a fixed `amount` ends at its last answer: autocannon only notices it is done at its
  // next once-a-second tick, which would add up to a second to the run's time.
  const ended = options.amount ? lastResponse : performance.now();
  return summarize(latencies, (ended - started) / 1000, non2xx, errors);
}

export interface CountedRun {
  result: LoadResult;
  /** Answers `succeeded` accepted, and the rest. */
  succeeded: number;
  failed: number;
}

/**
 * POSTs where every request is another one (its own cookie, code or user): `build(i)` makes the
 * i-th as autocannon asks for it, and each answer is counted as `succeeded` says.
 */
export async function runDistinctPosts(
  target: Target,
  build: (i: number) => { headers: Record<string, string>; body: string },
  succeeded: (status: number, headers: Record<string, string | string[]>) => boolean,
  options: Omit<RunOptions, "requests">,
): Promise<CountedRun> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const requests = (): AutocannonRequest[] => [
    {
      method: "POST",
      path: target.path,
      setupRequest: (request) => {
        const built = build(next++);
        request.headers = built.headers;
        request.body = built.body;
        return request;
      },
      onResponse: (status, _body, _context, headers) => {
        if (succeeded(status, headers)) ok++;
        else failed++;
      },
    },
  ];
  const result = await runLoad({ ...target, method: "POST" }, { ...options, requests });
  return { result, succeeded: ok, failed };
}

export interface Comparison {
  a: LoadResult;
  b: LoadResult;
  /** a.rps / b.rps of each pair of rounds: how much the ratio moves with the machine's noise */
  pairRatios: number[];
}

/**
 * A against B in alternating rounds (A B, B A, A B, ...), so that a change in the machine's
 * background load during the comparison weighs on both sides alike. `around` wraps each run (the
 * memory sampler uses it).
 */
export async function compareAlternating(
  a: Target,
  b: Target,
  options: { pairs?: number; seconds?: number; warmupSeconds?: number; around?: (side: "a" | "b", run: () => Promise<LoadResult>) => Promise<LoadResult> } = {},
): Promise<Comparison> {
  const pairs = options.pairs ?? 4;
  const seconds = options.seconds ?? 5;
  const around = options.around ?? ((_side, run) => run());
  if (options.warmupSeconds) {
    await runLoad(a, { seconds: options.warmupSeconds });
    await runLoad(b, { seconds: options.warmupSeconds });
  }
  const results = { a: [] as LoadResult[], b: [] as LoadResult[] };
  for (let i = 0; i < pairs; i++) {
    const order: ("a" | "b")[] = i % 2 === 0 ? ["a", "b"] : ["b", "a"];
    for (const side of order) {
      const target = side === "a" ? a : b;
      results[side].push(await around(side, () => runLoad(target, { seconds })));
    }
  }
  return {
    a: combine(results.a),
    b: combine(results.b),
    pairRatios: results.a.map((r, i) => r.rps / results.b[i]!.rps),
  };
}
