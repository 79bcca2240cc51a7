import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// `npm run build:test:edge`: a test build whose middleware runs on the edge runtime, into its own
// directory (NEXT_DIST_DIR, default .next-edge), for the e2e project pglite-edge (issue 17, item 3).
// Next.js reads the middleware's `config.runtime` as a literal of middleware.ts at build time, so
// the build runs with middleware.ts without its `runtime: "nodejs"` line (a middleware's default is
// the edge runtime: the README's one-line move back), and the file is put back
// afterwards: in `finally`, on SIGINT/SIGTERM, and at the next run if a killed build left it.
// (A copy of the project would leave the working tree alone, but Turbopack refuses a node_modules
// reached through a link outside the project's root, and a full copy costs more than the build.)

const root = path.join(import.meta.dirname, "..");
const file = path.join(root, "middleware.ts");
const kept = path.join(root, ".data", "middleware.ts.node");
const distDir = process.env.NEXT_DIST_DIR || ".next-edge";
const NODE = /^ {2}runtime: "nodejs",\n/m;

function restore() {
  if (!fs.existsSync(kept)) return;
  fs.copyFileSync(kept, file);
  fs.rmSync(kept);
}

restore();
const original = fs.readFileSync(file, "utf8");
if (original.split(NODE).length !== 2) throw new Error('middleware.ts must hold exactly one line `  runtime: "nodejs",`');
fs.mkdirSync(path.dirname(kept), { recursive: true });
fs.writeFileSync(kept, original);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    restore();
    process.exit(1);
  });
}

let status: number;
try {
  fs.writeFileSync(file, original.replace(NODE, ""));
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  status = spawnSync(process.execPath, [next, "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CONNECT_TEST_BUILD: "1", NEXT_DIST_DIR: distDir },
  }).status ?? 1;
} finally {
  restore();
}

// The build must have put the middleware on the edge runtime, or the e2e would prove nothing.
if (status === 0) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, distDir, "server", "middleware-manifest.json"), "utf8")) as {
    middleware: Record<string, unknown>;
  };
  if (!manifest.middleware["/"]) {
    console.error(`${distDir}: the middleware is not an edge function (server/middleware-manifest.json)`);
    status = 1;
  }
}
process.exit(status);
