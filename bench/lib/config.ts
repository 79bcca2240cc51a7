import { randomBytes } from "node:crypto";
import path from "node:path";

/** The repository root (bench/lib/ is two levels down). */
export const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** Everything the bench writes (PGlite directories, server logs); git-ignored. */
export const OUT_DIR = path.join(ROOT, "bench", ".out");
/** The bench's own build, beside the usual .next (next.config.mjs reads NEXT_DIST_DIR). */
export const DIST_DIR = process.env.BENCH_DIST_DIR || ".next-bench";

/** Ports 3300-3399 belong to the bench. */
export const PORT_BASE = Number(process.env.BENCH_PORT_BASE || 3300);
if (!Number.isInteger(PORT_BASE) || PORT_BASE < 3300 || PORT_BASE > 3390) {
  throw new Error("BENCH_PORT_BASE must be between 3300 and 3390 (the bench's port range is 3300-3399)");
}

/** Clients in every load test (the Better Auth reference figure was measured with 10). */
export const CONNECTIONS = 10;

/** Fresh secrets for every run: the bench never needs the operator's. */
export function benchSecrets() {
  return {
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    SESSION_PASSWORD: randomBytes(32).toString("base64url"),
  };
}
export type Secrets = ReturnType<typeof benchSecrets>;

export interface DatabaseTarget {
  kind: "postgres" | "pglite";
  /** What the run prints. */
  description: string;
  /** PostgreSQL: the bench database's URL (c2fa_bench). */
  url?: string;
  /** PostgreSQL: the server's maintenance URL, from BENCH_DATABASE_URL (create, drop, pg_stat_database). */
  adminUrl?: string;
  databaseName?: string;
  /** PGlite: one data directory per server process (PGlite is single-process). */
  pgliteDirs?: { gateOn: string; gateOff: string };
}

/**
 * PostgreSQL when BENCH_DATABASE_URL is set: the bench creates its own database (c2fa_bench, or
 * BENCH_DATABASE_NAME) on that server and drops it at the end; the database named in the URL is
 * only used to connect. Otherwise the embedded PGlite, in bench/.out/.
 */
export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const adminUrl = env.BENCH_DATABASE_URL;
  if (adminUrl) {
    const name = env.BENCH_DATABASE_NAME || "c2fa_bench";
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error("BENCH_DATABASE_NAME: lower-case letters, digits and _ only");
    const url = new URL(adminUrl);
    const admin = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      kind: "postgres",
      description: `PostgreSQL ${url.hostname}:${url.port || 5432}, database ${name} (created and dropped by the bench)`,
      url: url.toString(),
      adminUrl: admin.toString(),
      databaseName: name,
    };
  }
  return {
    kind: "pglite",
    description: "embedded PGlite (one copy of the seeded data directory per server, in bench/.out/)",
    pgliteDirs: { gateOn: path.join(OUT_DIR, "pglite-gate-on"), gateOff: path.join(OUT_DIR, "pglite-gate-off") },
  };
}
