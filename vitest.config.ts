import path from "node:path";
import { defineConfig } from "vitest/config";

const reportDir = process.env.TEST_REPORT_DIR;

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // tests/build: a production build's output (about a minute and 1 GB, once per run).
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/build/**/*.test.ts"],
    environment: "node",
    // next-auth imports "next/server" without an extension, which Node's ESM loader refuses: inlined,
    // it resolves as Next.js resolves it (tests/integration/session-route.test.ts runs its handlers).
    server: { deps: { inline: ["next-auth"] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: reportDir ? ["default", ["json", { outputFile: path.join(reportDir, "vitest.json") }]] : ["default"],
  },
});
