// HAProxy (Debian's package) in front of the e2e app instances, for the two-instances project:
// node --import tsx tests/e2e/load-balancer.ts --port 3107 --server app1=127.0.0.1:3105 --server app2=127.0.0.1:3106
// Round robin per request, no stickiness; each answer says which instance gave it (X-Served-By).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string" }, server: { type: "string", multiple: true } } });
const servers = (values.server ?? []).map((spec) => {
  const match = /^([a-z0-9-]+)=([0-9.]+):(\d+)$/.exec(spec);
  if (!match) throw new Error(`--server name=host:port, not ${spec}`);
  return { name: match[1]!, host: match[2]!, port: match[3]! };
});
if (!values.port || servers.length < 2) throw new Error("usage: load-balancer.ts --port P --server a=127.0.0.1:P1 --server b=127.0.0.1:P2");

// `forwardfor if-none`: a test chooses its client address with X-Forwarded-For (a per-IP limit test
// uses its own, so its failures do not pause the other tests' sign-ins); without one HAProxy writes
// the client's. A real deployment writes it always (`option forwardfor`): the app trusts the
// rightmost entry (lib/http/client-ip.ts).
const config = `global
  maxconn 512

defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option forwardfor if-none

frontend e2e
  bind 127.0.0.1:${values.port}
  # What the client used, as a proxy in front of next start sends it.
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Port %[dst_port]
  default_backend apps

backend apps
  balance roundrobin
  http-response set-header X-Served-By %s
${servers.map((s) => `  server ${s.name} ${s.host}:${s.port}`).join("\n")}
`;
fs.mkdirSync(".test-data", { recursive: true });
const file = path.join(".test-data", `haproxy-${values.port}.cfg`);
fs.writeFileSync(file, config);

const haproxy = process.env.HAPROXY_PATH ?? "/usr/sbin/haproxy";
const child = spawn(haproxy, ["-f", file, "-db"], { stdio: "inherit" });
child.on("error", (error) => {
  console.error(`cannot start ${haproxy} (Debian: apt-get install haproxy): ${error.message}`);
  process.exit(1);
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
