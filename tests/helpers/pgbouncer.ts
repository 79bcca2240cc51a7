import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const PGBOUNCER_PATH = process.env.PGBOUNCER_PATH || "/usr/sbin/pgbouncer";

export interface PgBouncer {
  /** `serverUrl` with its host and port replaced by the pooler's: same user, database and query. */
  urlFor(serverUrl: string): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** Server connections per database and user (PgBouncer's default_pool_size). */
  poolSize: number;
}

/**
 * A PgBouncer in transaction mode in front of the PostgreSQL server of `serverUrl`, started for
 * the caller in a temporary directory (any database name, trust on both sides, as the local
 * server's), stopped by `stop()`.
 */
export async function startPgBouncer(serverUrl: string, options: PgBouncerOptions): Promise<PgBouncer> {
  if (!fs.existsSync(PGBOUNCER_PATH)) {
    throw new Error(`${PGBOUNCER_PATH} is missing: install Debian's pgbouncer (apt-get install pgbouncer), or set TEST_PGBOUNCER=0`);
  }
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username || "postgres");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "c2fa-pgbouncer-"));
  // PgBouncer refuses to run as root: as root it is started as the server's own OS user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chmodSync(dir, 0o777);
  let lastError = "";
  for (let tries = 0; tries < 3; tries++) {
    const port = await freePort();
    const config = path.join(dir, "pgbouncer.ini");
    fs.writeFileSync(path.join(dir, "userlist.txt"), `"${user}" ""\n`);
    fs.writeFileSync(
      config,
      [
        "[databases]",
        `* = host=${server.hostname} port=${server.port || 5432}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        `unix_socket_dir = ${dir}`,
        "auth_type = trust",
        `auth_file = ${path.join(dir, "userlist.txt")}`,
        "pool_mode = transaction",
        `default_pool_size = ${options.poolSize}`,
        "max_client_conn = 500",
        "max_db_connections = 0",
        "server_check_delay = 0",
        "ignore_startup_parameters = extra_float_digits",
        `pidfile = ${path.join(dir, "pgbouncer.pid")}`,
        "logfile =",
        "log_connections = 0",
        "log_disconnections = 0",
        "",
      ].join("\n"),
    );
    // Through a shell that ends PgBouncer when its stdin closes: when stop() closes it, or when this
    // process ends in any way (a test file that hangs, a killed worker), so none is left behind.
    const child = spawn("/bin/sh", ["-c", WATCHED, PGBOUNCER_PATH, ...(asRoot ? ["-u", "postgres"] : []), config], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
    const up = await acceptsConnections(child, port);
    if (up) {
      return {
        urlFor(url) {
          const pooled = new URL(url);
          pooled.hostname = "127.0.0.1";
          pooled.port = String(port);
          return pooled.toString();
        },
        async stop() {
          await stopProcess(child);
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopProcess(child);
    lastError = stderr;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`PgBouncer did not start: ${lastError}`);
}

// $0 is PgBouncer, "$@" its arguments; an asynchronous list reads /dev/null unless redirected, so
// the watcher reads the shell's stdin through fd 3. The shell exits when PgBouncer does.
const WATCHED = 'exec 3<&0; "$0" "$@" </dev/null & bouncer=$!; (cat <&3 >/dev/null; kill "$bouncer" 2>/dev/null) & wait "$bouncer"';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function acceptsConnections(child: ChildProcess, port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function stopProcess(child: ChildProcess): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null;
  const done = exited ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The watcher then sends SIGTERM, which closes PgBouncer at once (SIGINT would wait for clients).
  child.stdin!.on("error", () => {});
  child.stdin!.end();
  return done;
}
