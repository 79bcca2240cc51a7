// The peer of item 4: Better Auth 1.7's twoFactor plugin (bench/peer/), measured in the same run
// and the same way as the issue measured it once: `next start`, 10 clients, 2,000 distinct pending
// challenges, POST /api/auth/two-factor/verify-otp (which also issues the session), PostgreSQL.
// See bench/peer/README.md.
import { spawn } from "node:child_process";
import { createHmac, randomBytes, randomInt } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import type { AutocannonRequest } from "autocannon";
import { Client } from "pg";
import { serverNodeOptions } from "../scripts/node-options";
import { CONNECTIONS, OUT_DIR, ROOT, type DatabaseTarget } from "./lib/config";
import { clientIp, setCookies } from "./lib/forms";
import { runLoad, type LoadResult } from "./lib/load";
import { createBenchDatabase, dropBenchDatabase, settledTransactionCount } from "./lib/pg";
import { portInUse, sampleRss, treeRss } from "./lib/server";

export const PEER_DIR = path.join(ROOT, "bench", "peer");
export const PEER_DATABASE = "c2fa_bench_peer";
const NEXT_BIN = path.join(PEER_DIR, "node_modules", "next", "dist", "bin", "next");
const VERIFY_PATH = "/api/auth/two-factor/verify-otp";
/** Better Auth's cookie names on http (no __Secure- prefix), default prefix "better-auth". */
const TWO_FACTOR_COOKIE = "better-auth.two_factor";
const SESSION_COOKIE = "better-auth.session_token";
const WARMUP_VERIFICATIONS = 100;

export interface PeerResult {
  version: string;
  verificationsPerSecond: number;
  p50: number;
  p99: number;
  transactionsPerVerification: number;
  rssPeakBytes: number;
  rssIdleBytes: number;
  /** Measured run: answers 200 with a new session cookie, and the rest. */
  verified: number;
  failed: number;
  /** Pending challenges seeded for the measured run (the issue's 2,000; the run uses at most 60 % of them). */
  challengesSeeded: number;
  /** The measured run's wall-clock time (s). */
  seconds: number;
  installSeconds: number;
  buildSeconds: number;
}

export interface PeerOptions {
  adminUrl: string;
  port: number;
  challenges: number;
  seconds: number;
  log: (line: string) => void;
}

/** A user with two-factor on, between its correct password plus send-otp and its verify-otp. */
interface PendingOtp {
  userId: string;
  /** The `better-auth.two_factor` cookie, signed as better-call signs it. */
  cookie: string;
  code: string;
  /** Index for its client address. */
  n: number;
}

/** What bench/peer/setup.ts exports (loaded from the peer's own node_modules at run time). */
interface PeerSetup {
  migrate(databaseUrl: string): Promise<string[]>;
  passwordHash(password: string): Promise<string>;
}

/** Variables of the operator's environment that must not reach the peer. */
const SCRUBBED = ["DATABASE_URL", "PORT", "NEXT_DIST_DIR", "AUTH_SECRET", "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "BETTER_AUTH_URL", "BETTER_AUTH_TELEMETRY"];

function peerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SCRUBBED) delete env[name];
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function logFile(name: string): string {
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

async function ensurePeerInstalled(log: (line: string) => void): Promise<number> {
  if (fs.existsSync(path.join(PEER_DIR, "node_modules"))) return 0;
  const cli = npmCli();
  log(`installing the peer: npm ci in bench/peer (${cli}; log in bench/.out/install-better-auth.log) ...`);
  const seconds = await runInPeer([cli, "ci", "--no-audit", "--no-fund"], logFile("install-better-auth.log"), peerEnv());
  log(`  installed in ${seconds.toFixed(0)} s`);
  return seconds;
}

async function ensurePeerBuild(log: (line: string) => void): Promise<number> {
  if (fs.existsSync(path.join(PEER_DIR, ".next", "BUILD_ID")) && process.env.BENCH_REBUILD !== "1") return 0;
  log("building the peer: next build in bench/peer (log in bench/.out/build-better-auth.log) ...");
  const seconds = await runInPeer([NEXT_BIN, "build"], logFile("build-better-auth.log"), peerEnv({ NODE_ENV: "production" }));
  log(`  built in ${seconds.toFixed(0)} s`);
  return seconds;
}

function installedVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PEER_DIR, "node_modules", "better-auth", "package.json"), "utf8")) as { version: string }).version;
}

async function loadPeerSetup(): Promise<PeerSetup> {
  // A path computed at run time: the root's type check must not follow it into the peer.
  const file = pathToFileURL(path.join(PEER_DIR, "setup.ts")).href;
  return (await import(file)) as PeerSetup;
}

/** Better Auth's generateId: 32 characters of [a-zA-Z0-9]. */
function generateId(size = 32): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(randomBytes(size), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** A cookie value as better-call's setSignedCookie writes it: value "." base64(HMAC-SHA-256), URI-encoded. */
function signedCookieValue(value: string, secret: string): string {
  return encodeURIComponent(`${value}.${createHmac("sha256", secret).update(value).digest("base64")}`);
}

/**
 * Seeds `count` users as Better Auth leaves them after a correct password (sign-in/email) and
 * a send-otp call, in one statement per table:
 * - `user` with twoFactorEnabled = true and a credential `account` (one scrypt hash for all),
 *   as sign-up and `two-factor/enable` with method "otp" leave them (that method keeps no `twoFactor` row);
 * - the sign-in's `verification` rows: "2fa-<id>" = user id and "2fa-attempts-2fa-<id>" = "0";
 * - send-otp's row: "2fa-otp-2fa-<id>" = "<code>:0" (the default plain storage, no attempt yet);
 * - the `better-auth.two_factor` cookie naming "2fa-<id>", signed with the secret.
 * The rows live 10 minutes (the OTP's default is 3) so that a slow machine does not see codes
 * expire between the seeding and the load; the verification does the same work either way.
 */
async function seedPending(db: Client, secret: string, passwordHash: string, first: number, count: number): Promise<PendingOtp[]> {
  const now = new Date();
  const created = now.toISOString();
  const expires = new Date(now.getTime() + 10 * 60_000).toISOString();
  const pending: PendingOtp[] = [];
  const users: string[][] = [[], [], []];
  const accounts: string[][] = [[], []];
  const verifications: string[][] = [[], [], []];
  for (let n = first; n < first + count; n++) {
    const userId = generateId();
    // Better Auth's generateRandomString(20): [a-zA-Z0-9_-], as base64url is.
    const identifier = `2fa-${randomBytes(15).toString("base64url")}`;
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    users[0]!.push(userId);
    users[1]!.push(`peer.${n}@bench.example`);
    users[2]!.push(`Peer ${n}`);
    accounts[0]!.push(generateId());
    accounts[1]!.push(userId);
    for (const [id, value] of [
      [identifier, userId],
      [`2fa-attempts-${identifier}`, "0"],
      [`2fa-otp-${identifier}`, `${code}:0`],
    ] as const) {
      verifications[0]!.push(generateId());
      verifications[1]!.push(id);
      verifications[2]!.push(value);
    }
    pending.push({ userId, cookie: `${TWO_FACTOR_COOKIE}=${signedCookieValue(identifier, secret)}`, code, n });
  }
  await db.query(
    `insert into "user" (id, email, name, "emailVerified", "twoFactorEnabled", "createdAt", "updatedAt")
     select id, email, name, false, true, $4, $4 from unnest($1::text[], $2::text[], $3::text[]) as u(id, email, name)`,
    [...users, created],
  );
  await db.query(
    `insert into account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
     select id, user_id, 'credential', user_id, $3, $4, $4 from unnest($1::text[], $2::text[]) as a(id, user_id)`,
    [...accounts, passwordHash, created],
  );
  await db.query(
    `insert into verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
     select id, identifier, value, $4, $5, $5 from unnest($1::text[], $2::text[], $3::text[]) as v(id, identifier, value)`,
    [...verifications, expires, created],
  );
  return pending;
}

interface PeerServer {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

/** `next start` of the peer, as npm start runs our server (its NODE_OPTIONS), in a process group of its own. */
async function startPeer(port: number, env: Record<string, string>): Promise<PeerServer> {
  if (await portInUse(port)) throw new Error(`port ${port} is in use; stop what listens there`);
  const log = logFile("server-better-auth.log");
  const out = fs.openSync(log, "w");
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: PEER_DIR,
    env: peerEnv({ NODE_OPTIONS: serverNodeOptions(), ...env, NODE_ENV: "production" }),
    stdio: ["ignore", out, out],
    detached: true,
  });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the peer");
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.on("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  const server: PeerServer = {
    origin: `http://127.0.0.1:${port}`,
    pid,
    async stop() {
      if (exited) return;
      signal("SIGTERM");
      if (await Promise.race([exitedPromise.then(() => false), sleep(10_000).then(() => true)])) {
        signal("SIGKILL");
        await exitedPromise;
      }
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the peer exited at start:\n${tail(log)}`);
    try {
      // Better Auth's health endpoint.
      const response = await fetch(`${server.origin}/api/auth/ok`);
      await response.arrayBuffer();
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the peer did not answer within 60 s:\n${tail(log)}`);
    }
    await sleep(200);
  }
}

/**
 * verify-otp as Better Auth's client sends it from the browser: JSON, the two-factor cookie, the
 * page's origin (Better Auth refuses a cookie-carrying POST without a trusted one) and one client
 * address per request in `x-forwarded-for`, so the rate limiter (left on, as in production: 3
 * requests per 10 s per address on /two-factor/*) applies per user, as it would to real users.
 */
function verifyRequest(origin: string, challenge: PendingOtp) {
  return {
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      origin,
      referer: `${origin}/`,
      "user-agent": "connect-2fa-bench",
      "x-forwarded-for": clientIp(challenge.n),
      cookie: challenge.cookie,
    },
    body: JSON.stringify({ code: challenge.code, trustDevice: false }),
  };
}

/** The session token of a new `better-auth.session_token` cookie, or null. */
function newSessionToken(setCookie: string[]): string | null {
  const cookie = setCookie.find((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`));
  if (!cookie || /;\s*max-age=0/i.test(cookie)) return null;
  const signed = decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1).split(";")[0]!);
  return signed.slice(0, signed.lastIndexOf("."));
}

/** One verification with fetch, checked in full: 200, a session cookie, and its session row. */
async function verifyOnce(server: PeerServer, db: Client, challenge: PendingOtp): Promise<void> {
  const { headers, body } = verifyRequest(server.origin, challenge);
  const response = await fetch(`${server.origin}${VERIFY_PATH}`, { method: "POST", headers, body, redirect: "manual" });
  const text = await response.text();
  const token = newSessionToken(response.headers.getSetCookie());
  if (response.status !== 200 || !token) {
    throw new Error(
      `a verify-otp with the right code did not sign in: HTTP ${response.status}, ` +
        `set-cookie=${response.headers.getSetCookie().map((c) => c.split("=")[0]).join(",")}\n${text.slice(0, 300)}`,
    );
  }
  const rows = await db.query(`select 1 from session where token = $1 and "userId" = $2`, [token, challenge.userId]);
  if (rows.rowCount !== 1) throw new Error("verify-otp set a session cookie, but its session is not in the database");
}

interface VerifyRun {
  result: LoadResult;
  verified: number;
  failed: number;
  /** From the start to the last answer (runLoad's time for a fixed `amount`). */
  seconds: number;
}

/** `amount` verify-otp calls at 10 clients, each with its own pending challenge. */
async function runVerifications(server: PeerServer, challenges: PendingOtp[], amount: number): Promise<VerifyRun> {
  // autocannon builds one request per client more than it sends.
  const needed = amount + CONNECTIONS * 2;
  if (challenges.length < needed) throw new Error(`${amount} verifications need ${needed} challenges, ${challenges.length} are left`);
  let next = 0;
  let verified = 0;
  let failed = 0;
  const requests = (): AutocannonRequest[] => [
    {
      method: "POST",
      path: VERIFY_PATH,
      setupRequest: (request) => {
        const built = verifyRequest(server.origin, challenges[Math.min(next++, needed - 1)]!);
        request.headers = built.headers;
        request.body = built.body;
        return request;
      },
      onResponse: (status, _body, _context, headers) => {
        if (status === 200 && newSessionToken(setCookies(headers))) verified++;
        else failed++;
      },
    },
  ];
  const result = await runLoad({ label: "better-auth verify-otp", origin: server.origin, path: VERIFY_PATH, method: "POST" }, { amount, requests });
  return { result, verified, failed, seconds: result.seconds };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function idleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(treeRss(pid));
    await sleep(200);
  }
  return median(samples);
}

async function count(db: Client, query: string): Promise<number> {
  return Number((await db.query<{ n: string }>(query)).rows[0]?.n ?? Number.NaN);
}

let cleanUpRunning: (() => Promise<void>) | null = null;

/** Stops a running peer and drops its database (for a Ctrl-C in the middle of a run). */
export async function stopBetterAuth(): Promise<void> {
  await cleanUpRunning?.();
}

export async function measureBetterAuth(options: PeerOptions): Promise<PeerResult> {
  const { log } = options;
  const installSeconds = await ensurePeerInstalled(log);
  const buildSeconds = await ensurePeerBuild(log);
  const version = installedVersion();

  const target: DatabaseTarget = { kind: "postgres", description: PEER_DATABASE, adminUrl: options.adminUrl, databaseName: PEER_DATABASE };
  const url = new URL(options.adminUrl);
  url.pathname = `/${PEER_DATABASE}`;
  const databaseUrl = url.toString();
  const secret = randomBytes(32).toString("base64url");
  const origin = `http://127.0.0.1:${options.port}`;

  let server: PeerServer | null = null;
  let db: Client | null = null;
  const cleanUp = async () => {
    cleanUpRunning = null;
    await db?.end().catch(() => {});
    await server?.stop();
    await dropBenchDatabase(target).catch((error: Error) => log(`could not drop ${PEER_DATABASE}: ${error.message}`));
  };
  cleanUpRunning = cleanUp;
  try {
    log(`Better Auth ${version}: database ${PEER_DATABASE}, Better Auth's migration, ${options.challenges} pending challenges ...`);
    await createBenchDatabase(target);
    const setup = await loadPeerSetup();
    const tables = await setup.migrate(databaseUrl);
    db = new Client({ connectionString: databaseUrl });
    db.on("error", () => {});
    await db.connect();
    const seedStarted = performance.now();
    const hash = await setup.passwordHash(randomBytes(12).toString("base64url"));
    const warmups = await seedPending(db, secret, hash, 0, 1 + WARMUP_VERIFICATIONS + CONNECTIONS * 2);
    const challenges = await seedPending(db, secret, hash, warmups.length, options.challenges);
    await db.query("analyze");
    log(`  migrated (${tables.join(", ")}), seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    server = await startPeer(options.port, { DATABASE_URL: databaseUrl, BETTER_AUTH_SECRET: secret, BETTER_AUTH_URL: origin });
    await verifyOnce(server, db, warmups[0]!);
    log(`  next start on ${origin}: a verify-otp with a seeded challenge answered 200 with a session cookie and its session row`);
    await sleep(1000);
    const rssIdleBytes = await idleRss(server.pid);

    const warm = await runVerifications(server, warmups.slice(1), WARMUP_VERIFICATIONS);
    if (warm.verified !== WARMUP_VERIFICATIONS) {
      throw new Error(`warm-up: ${warm.failed} of ${warm.result.requests} verify-otp calls with the right code did not sign in`);
    }
    // As bench/run.ts: a fixed number from the warm-up rate, at most 60 % of the challenges, so the
    // table keeps the issue's 2,000 pending challenges' scale (a shorter run rather than more rows).
    const wanted = Math.max(300, Math.round((warm.verified / warm.seconds) * options.seconds));
    const amount = Math.min(wanted, Math.floor(challenges.length * 0.6));

    log(`  ${amount} verifications at ${CONNECTIONS} clients; waiting for pg_stat_database to settle (11 s) before and after ...`);
    const before = await settledTransactionCount(target);
    const sampler = sampleRss(server.pid);
    const run = await runVerifications(server, challenges, amount);
    const rssPeakBytes = sampler.stop().peak;
    const after = await settledTransactionCount(target);
    await server.stop();

    // The database's own account: every verification counted issued one session; a request still
    // in flight when a run ends may add one per client.
    const counted = 1 + warm.verified + run.verified;
    const sessions = await count(db, "select count(*)::text as n from session");
    const pending = await count(db, `select count(*)::text as n from verification where identifier like '2fa-otp-%'`);
    const consumed = warmups.length + challenges.length - pending;
    log(`  the database agrees: ${sessions} sessions, ${consumed} OTPs consumed (counted ${counted} verifications)`);
    if (sessions < counted || sessions > counted + CONNECTIONS || consumed < sessions) {
      throw new Error(`the database holds ${sessions} sessions and ${consumed} consumed OTPs, the driver counted ${counted} verifications`);
    }
    if (run.failed > 0) log(`  warning: ${run.failed} of ${run.result.requests} verify-otp calls did not sign in`);

    return {
      version,
      verificationsPerSecond: run.verified / run.seconds,
      p50: run.result.p50,
      p99: run.result.p99,
      transactionsPerVerification: (after - before) / run.verified,
      rssPeakBytes,
      rssIdleBytes,
      verified: run.verified,
      failed: run.failed,
      challengesSeeded: challenges.length,
      seconds: run.seconds,
      installSeconds,
      buildSeconds,
    };
  } finally {
    await cleanUp();
  }
}

// `tsx bench/better-auth.ts [--quick]`: the peer alone, its figures as JSON.
if (process.argv[1] && fs.realpathSync(process.argv[1]) === import.meta.filename) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping the peer ...`);
      void stopBetterAuth().finally(() => process.exit(130));
    });
  }
  const quick = process.argv.includes("--quick");
  try {
    const result = await measureBetterAuth({
      adminUrl: process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
      port: 3310,
      challenges: 2_000,
      seconds: quick ? 3 : 15,
      log: (line) => console.error(line),
    });
    console.log(JSON.stringify(result, null, 2));
  } catch (error) {
    console.error(`better-auth peer failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  }
}
