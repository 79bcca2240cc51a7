// `next start` of the Better Auth peer.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { serverNodeOptions } from "../../scripts/node-options";
import { logFile, PEER_DIR, PEER_NEXT_BIN, peerEnv, tail } from "./peer-project";
import { portInUse } from "./server";

export interface PeerServer {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

/** `next start` of the peer, as npm start runs our server (its NODE_OPTIONS), in a process group of its own. */
export async function startPeer(port: number, env: Record<string, string>): Promise<PeerServer> {
  if (await portInUse(port)) throw new Error(`port ${port} is in use; stop what listens there`);
  const log = logFile("server-better-auth.log");
  const out = fs.openSync(log, "w");
  const child = spawn(process.execPath, [PEER_NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
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

