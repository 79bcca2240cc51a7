import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// What only a build for the tests and the bench may hold (issue 13, point 9), and a reader of a
// build's output that finds it: tests/build/production-build.test.ts (none of it in a production
// build) and tests/e2e/test-switches.spec.ts (all of it in the build the e2e tests run).

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** The marks of each test switch, as they would stand in a bundle, a manifest or a source map. */
export const TEST_SWITCH_MARKS = {
  "the middleware gate's variable": "MIDDLEWARE_GATE",
  "the bench's signal switch": "SIGUSR2",
  "the bench's variable": "BENCH_PAGES",
  "the bench's baseline page": "/bench/plain",
} as const;
export type TestSwitch = keyof typeof TEST_SWITCH_MARKS;

// The bundler's own cache and the links to external packages are not the app's output.
const NOT_OUTPUT = new Set(["cache", "node_modules"]);

function* outputFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !NOT_OUTPUT.has(entry.name)) yield* outputFiles(full);
    else if (entry.isFile()) yield full;
  }
}

/** Every output file of the build in `distDir` (relative to the repository) that holds each mark. */
export function findTestSwitches(distDir: string): Record<TestSwitch, string[]> {
  const root = path.resolve(ROOT, distDir);
  const found = Object.fromEntries(Object.keys(TEST_SWITCH_MARKS).map((name) => [name, [] as string[]])) as Record<TestSwitch, string[]>;
  for (const file of outputFiles(root)) {
    const text = fs.readFileSync(file, "latin1");
    for (const [name, mark] of Object.entries(TEST_SWITCH_MARKS) as [TestSwitch, string][]) {
      if (text.includes(mark)) found[name].push(path.relative(ROOT, file));
    }
  }
  return found;
}

/** The URL paths of a build's app routes, from its manifest (e.g. "/sign-in", "/bench/plain"). */
export function appRoutes(distDir: string): string[] {
  const manifest = path.resolve(ROOT, distDir, "app-path-routes-manifest.json");
  return Object.values(JSON.parse(fs.readFileSync(manifest, "utf8")) as Record<string, string>);
}

/**
 * `npm run build` into `distDir`, without CONNECT_TEST_BUILD whatever the calling shell has.
 * The tsconfig files get their bytes back should the build touch them.
 */
export async function buildForProduction(distDir: string, logFile: string): Promise<number | null> {
  const tsconfigs = ["tsconfig.json", "tsconfig.build.json"].map((name) => path.join(ROOT, name));
  const before = tsconfigs.map((file) => fs.readFileSync(file));
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_DIST_DIR: distDir, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  delete env.CONNECT_TEST_BUILD;
  fs.rmSync(path.resolve(ROOT, distDir), { recursive: true, force: true });
  const out = fs.openSync(logFile, "w");
  try {
    const child = spawn("npm", ["run", "build"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", out, out],
    });
    return await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", resolve);
    });
  } finally {
    fs.closeSync(out);
    tsconfigs.forEach((file, i) => {
      if (!fs.readFileSync(file).equals(before[i]!)) fs.writeFileSync(file, before[i]!);
    });
  }
}
