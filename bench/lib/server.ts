import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { serverNodeOptions } from "../../scripts/node-options";
import { DIST_DIR, OUT_DIR, ROOT } from "./config";
import { treeRss } from "./proc";

const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

/** Variables of the operator's environment that must not leak into the bench's servers. */
const SCRUBBED = [
  "DATABASE_URL",
  "PGLITE_DATA_DIR",
  "MIDDLEWARE_GATE",
  "BENCH_PAGES",
  "PORT",
  "OUTBOX_ENABLED",
  "SMTP_URL",
  "SMTP_FROM",
  "VONAGE_API_KEY",
  "VONAGE_API_SECRET",
  "VONAGE_REST_HOST",
  "AUTH_SECRET",
  "SESSION_PASSWORD",
  "AUTH_URL",
  "NEXTAUTH_URL",
  "APP_URL",
];

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCRUBBED) delete env[name];
  return { ...env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" };
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Newest modification time under the app's source folders (ms). */
function newestSourceMtime(): number {
  let newest = 0;
  const visit = (entry: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(entry);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    } else if (/\.(tsx?|mjs|css)$/.test(entry)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const entry of ["app", "components", "lib", "middleware.ts", "instrumentation.ts", "next.config.mjs"]) {
    visit(path.join(ROOT, entry));
  }
  return newest;
}

export interface BuildInfo {
  built: boolean;
  seconds: number;
  /** Set when the existing build is older than the sources. */
  staleNote: string | null;
}

/** Whether the build in DIST_DIR was made for tests and the bench (CONNECT_TEST_BUILD=1, next.config.mjs). */
function isTestBuild(): boolean {
  try {
    const files = JSON.parse(fs.readFileSync(path.join(ROOT, DIST_DIR, "required-server-files.json"), "utf8")) as {
      config?: { env?: Record<string, string> };
    };
    return files.config?.env?.CONNECT_TEST_BUILD === "1";
  } catch {
    return false;
  }
}

/**
 * Builds into DIST_DIR when there is no test build there yet (or BENCH_REBUILD=1): only a test
 * build has the gate's switches and /bench/plain. An existing test build is reused as it is: the
 * run says when the sources are newer.
 */
export async function ensureBuild(log: (line: string) => void): Promise<BuildInfo> {
  const buildId = path.join(ROOT, DIST_DIR, "BUILD_ID");
  const force = process.env.BENCH_REBUILD === "1";
  if (fs.existsSync(buildId) && isTestBuild() && !force) {
    const builtAt = fs.statSync(buildId).mtimeMs;
    const stale = newestSourceMtime() > builtAt;
    return {
      built: false,
      seconds: 0,
      staleNote: stale
        ? `the build in ${DIST_DIR} (${new Date(builtAt).toISOString()}) is older than the sources; BENCH_REBUILD=1 rebuilds it`
        : null,
    };
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const logFile = path.join(OUT_DIR, "build.log");
  log(`building the app into ${DIST_DIR} (a test build: CONNECT_TEST_BUILD=1 next build; log in bench/.out/build.log) ...`);
  const started = performance.now();
  const tsconfig = path.join(ROOT, "tsconfig.json");
  const tsconfigBefore = fs.readFileSync(tsconfig, "utf8");
  const out = fs.openSync(logFile, "w");
  const child = spawn(process.execPath, [NEXT_BIN, "build"], {
    cwd: ROOT,
    env: { ...baseEnv(), NODE_ENV: "production", CONNECT_TEST_BUILD: "1" },
    stdio: ["ignore", out, out],
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  fs.closeSync(out);
  restoreTsconfig(tsconfig, tsconfigBefore, log);
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${tail(logFile)}`);
  return { built: true, seconds: (performance.now() - started) / 1000, staleNote: null };
}

/**
 * `next build` with another distDir adds "<distDir>/types/**" entries to tsconfig.json's include.
 * When that is the only change, the file gets its previous bytes back, so the bench leaves no trace
 * in a file it does not own; any other change (someone else's edit meanwhile) is left alone.
 */
export function restoreTsconfig(file: string, before: string, log: (line: string) => void) {
  const after = fs.readFileSync(file, "utf8");
  if (after === before) return;
  try {
    const parsed = JSON.parse(after) as { include?: unknown };
    if (Array.isArray(parsed.include)) parsed.include = parsed.include.filter((entry) => !String(entry).startsWith(`${DIST_DIR}/`));
    if (JSON.stringify(parsed) === JSON.stringify(JSON.parse(before))) {
      fs.writeFileSync(file, before);
      return;
    }
  } catch {
    // not plain JSON: leave it
  }
  log(`note: next build changed tsconfig.json beyond its ${DIST_DIR} include entries; left as it is`);
}

export interface ServerOptions {
  name: string;
  port: number;
  env: Record<string, string>;
}

export interface RunningServer {
  name: string;
  port: number;
  origin: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const running = new Set<RunningServer>();

/** Whether something already listens on 127.0.0.1:port (then the bench would measure a stranger). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** `next start` of the bench build, bound to 127.0.0.1, in a process group of its own. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (await portInUse(options.port)) {
    throw new Error(`port ${options.port} is in use; stop what listens there or set BENCH_PORT_BASE (3300-3390)`);
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const logFile = path.join(OUT_DIR, `server-${options.name}.log`);
  const out = fs.openSync(logFile, "w");
  const child: ChildProcess = spawn(
    process.execPath,
    [NEXT_BIN, "start", "-p", String(options.port), "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      // As `npm start` runs it: the same heap limit (scripts/node-options.ts).
      env: { ...baseEnv(), NODE_OPTIONS: serverNodeOptions(), ...options.env, NODE_ENV: "production" },
      stdio: ["ignore", out, out],
      detached: true,
    },
  );
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the ${options.name} server`);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.on("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const origin = `http://127.0.0.1:${options.port}`;
  const server: RunningServer = {
    name: options.name,
    port: options.port,
    origin,
    pid,
    logFile,
    async stop() {
      running.delete(server);
      if (exited) return;
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        return;
      }
      const timedOut = await Promise.race([exitedPromise.then(() => false), sleep(10_000).then(() => true)]);
      if (timedOut) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
        await exitedPromise;
      }
    },
  };
  running.add(server);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the ${options.name} server exited at start:\n${tail(logFile)}`);
    try {
      const response = await fetch(`${origin}/sign-in`, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the ${options.name} server did not answer within 60 s:\n${tail(logFile)}`);
    }
    await sleep(200);
  }
  return server;
}

/** Stops every server this process started (also on Ctrl-C or an error). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** Samples a server's tree RSS every `intervalMs` until stopped; the peak and the mean. */
export function sampleRss(pid: number, intervalMs = 200) {
  const samples: number[] = [];
  const take = () => samples.push(treeRss(pid));
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak: Math.max(...samples), mean: samples.reduce((a, b) => a + b, 0) / samples.length, samples: samples.length };
    },
  };
}

/**
 * Switches the middleware gate of a BENCH_PAGES=1 server on or off (each SIGUSR2 toggles it,
 * lib/auth/gate-test-switches.ts) and waits until an anonymous /bench/plain shows the new state:
 * the gate sends such a visitor to sign-in (307), without it the page answers 200.
 */
export async function setGate(server: RunningServer, state: "on" | "off"): Promise<void> {
  const probe = async () => {
    const response = await fetch(`${server.origin}/bench/plain`, { redirect: "manual" });
    await response.arrayBuffer();
    return response.status === 307 ? "on" : response.status === 200 ? "off" : `HTTP ${response.status}`;
  };
  let seen = await probe();
  if (seen === state) return;
  process.kill(server.pid, "SIGUSR2");
  for (let i = 0; i < 100 && seen !== state; i++) {
    await sleep(20);
    seen = await probe();
  }
  if (seen !== state) throw new Error(`the ${server.name} server's gate did not switch ${state} (an anonymous /bench/plain: ${seen})`);
}
