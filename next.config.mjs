/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets a second build (a benchmark, a parallel e2e run) live beside the usual .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite ships WASM and data files that must be loaded from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  experimental: {
    // forbidden() answers 403 to a signed-in user who lacks the role for a page.
    authInterrupts: true,
  },
  poweredByHeader: false,
  // The app's own files only: tests and scripts are type-checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // Dev logging of server actions prints their arguments and results, which can hold codes and
  // backup codes: secrets are never logged.
  logging: { serverFunctions: false },
};

export default nextConfig;
