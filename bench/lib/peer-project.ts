// The Better Auth peer's own project (bench/peer/): installed and built on first use, its
// setup module loaded from its own node_modules, its environment kept apart from ours.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { OUT_DIR, ROOT } from "./config";

export const PEER_DIR = path.join(ROOT, "bench", "peer");
export const PEER_NEXT_BIN = path.join(PEER_DIR, "node_modules", "next", "dist", "bin", "next");

/** What bench/peer/setup.ts exports (loaded from the peer's own node_modules at run time). */
export interface PeerSetup {
  migrate(databaseUrl: string): Promise<string[]>;
  passwordHash(password: string): Promise<string>;
}

/** Variables of the operator's environment that must not reach the peer. */
const SCRUBBED = ["DATABASE_URL", "PORT", "NEXT_DIST_DIR", "AUTH_SECRET", "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "BETTER_AUTH_URL", "BETTER_AUTH_TELEMETRY"];

export function peerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCRUBBED) delete env[name];
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export function logFile(name: string): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  return path.join(OUT_DIR, name);
}

/** Runs `args` with this process's node in the peer's folder, output to a log; seconds taken. */
async function runInPeer(args: string[], log: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const out = fs.openSync(log, "w");
  const child = spawn(process.execPath, args, { cwd: PEER_DIR, env, stdio: ["ignore", out, out] });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  fs.closeSync(out);
  if (code !== 0) throw new Error(`${path.basename(args[0]!)} ${args.slice(1).join(" ")} in bench/peer failed (exit ${code}):\n${tail(log)}`);
  return (performance.now() - started) / 1000;
}

/** npm's CLI script of this node installation (or of the npm that runs us). */
function npmCli(): string {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js"),
    ...(process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, "npm")),
  ];
  for (const candidate of candidates) {
    if (!candidate || !fs.existsSync(candidate)) continue;
    const real = fs.realpathSync(candidate);
    if (path.basename(real) === "npm-cli.js") return real;
  }
  throw new Error("npm not found (looked beside this node and on PATH)");
}

export async function ensurePeerInstalled(log: (line: string) => void): Promise<number> {
  if (fs.existsSync(path.join(PEER_DIR, "node_modules"))) return 0;
  const cli = npmCli();
  log(`installing the peer: npm ci in bench/peer (${cli}; log in bench/.out/install-better-auth.log) ...`);
  const seconds = await runInPeer([cli, "ci", "--no-audit", "--no-fund"], logFile("install-better-auth.log"), peerEnv());
  log(`  installed in ${seconds.toFixed(0)} s`);
  return seconds;
}

export async function ensurePeerBuild(log: (line: string) => void): Promise<number> {
  if (fs.existsSync(path.join(PEER_DIR, ".next", "BUILD_ID")) && process.env.BENCH_REBUILD !== "1") return 0;
  log("building the peer: next build in bench/peer (log in bench/.out/build-better-auth.log) ...");
  const seconds = await runInPeer([PEER_NEXT_BIN, "build"], logFile("build-better-auth.log"), peerEnv({ NODE_ENV: "production" }));
  log(`  built in ${seconds.toFixed(0)} s`);
  return seconds;
}

export function installedVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PEER_DIR, "node_modules", "better-auth", "package.json"), "utf8")) as { version: string }).version;
}

export async function loadPeerSetup(): Promise<PeerSetup> {
  // A path computed at run time: the root's type check must not follow it into the peer.
  const file = pathToFileURL(path.join(PEER_DIR, "setup.ts")).href;
  return (await import(file)) as PeerSetup;
}

