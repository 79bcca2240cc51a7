import path from "node:path";
import { fileURLToPath } from "node:url";

// The plugin lives outside this folder (../../lib): Next compiles and traces files from the root of
// the repository, whose node_modules this app uses too.
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The e2e's build (HOST_APP_TEST_BUILD=1) keeps the middleware's off switch; any other build drops it.
  env: { HOST_APP_TEST_BUILD: process.env.HOST_APP_TEST_BUILD === "1" ? "1" : "" },
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
  // PGlite loads its WASM and data files from node_modules.
  serverExternalPackages: ["@electric-sql/pglite"],
  poweredByHeader: false,
};

export default nextConfig;
