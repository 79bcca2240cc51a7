// A build for the e2e tests or the bench (CONNECT_TEST_BUILD=1 when `next build` runs) keeps their
// switches (lib/auth/gate-test-switches.ts) and the bench's page /bench/plain (*.bench.tsx). Any
// other build (`npm run build`) inlines the constant as "", so that code is dropped, and leaves
// the bench's page out: tests/build/production-build.test.ts checks its output.
const testBuild = process.env.CONNECT_TEST_BUILD === "1";
const PAGE_EXTENSIONS = ["tsx", "ts", "jsx", "js"];

/** @type {import('next').NextConfig} */
const nextConfig = {
  env: { CONNECT_TEST_BUILD: testBuild ? "1" : "" },
  pageExtensions: testBuild ? [...PAGE_EXTENSIONS, "bench.tsx"] : PAGE_EXTENSIONS,
  // Lets a second build (a benchmark, a parallel e2e run) live beside the usual .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled.
  // oidc-provider: one copy for the pages route (/oauth) and the App Router (/api/v1, the app
  // sign-in page), which share one provider per process; two bundled copies would not know each
  // other's classes (its errors, its models).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "oidc-provider"],
  experimental: {
    // forbidden() answers 403 to a signed-in user who lacks the role for a page.
    authInterrupts: true,
  },
  // The pages router (only /oauth) loads node_modules from disk by default; drizzle-orm's ESM
  // build resolved file by file against its 180 KB package.json "exports" cost the server
  // ~150 MiB of resident memory at start (bench/RESULTS.md, stop 26). Bundled as the App Router's.
  bundlePagesRouterDependencies: true,
  poweredByHeader: false,
  // OAuth for native apps (issue 19): oidc-provider is served by a pages API route, which keeps
  // Node's request and response (pages/api/oauth/[...path].ts); its public path is /oauth.
  async rewrites() {
    return [{ source: "/oauth/:path*", destination: "/api/oauth/:path*" }];
  },
  // The app's own files only: tests and scripts are type-checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // Dev logging of server actions prints their arguments and results, which can hold codes and
  // backup codes: secrets are never logged.
  logging: { serverFunctions: false },
};

export default nextConfig;
