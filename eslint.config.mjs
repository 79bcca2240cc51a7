import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypeScript from "eslint-config-next/typescript";

// ESLint's and Next.js's rules (React, hooks, a11y, Core Web Vitals) with typescript-eslint's recommended set.
// The import walls are dependency-cruiser's (.dependency-cruiser.cjs); `npm run lint` runs both.
export default defineConfig([
  js.configs.recommended,
  ...nextCoreWebVitals,
  ...nextTypeScript,
  {
    // A name starting with "_" is kept on purpose (a destructured rest's discarded part, a type-level check).
    rules: { "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }] },
  },
  globalIgnores([
    "**/node_modules/**",
    ".next/**",
    ".next-*/**",
    "bench/peer/.next/**",
    "bench/.out/**",
    ".data/**",
    ".test-data/**",
    "drizzle/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    // The example host app's build output, databases, test results and generated migrations.
    "examples/*/.next/**",
    "examples/*/.data/**",
    "examples/*/.test-data/**",
    "examples/*/test-results/**",
    "examples/*/drizzle/**",
    "examples/*/next-env.d.ts",
  ]),
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable" } },
    // CommonJS is what these files are (dependency-cruiser reads its config with require).
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The core takes its settings as options; reading the environment is the host's job.
    files: ["lib/two-factor/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "lib/two-factor takes its settings as options: read the environment in the host (lib/server.ts)." },
      ],
      // The wall "core-reads-no-portal-schema" of .dependency-cruiser.cjs, for type-only imports too
      // (dependency-cruiser's graph holds only what runs).
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../db/schema", "../db/client", "../audit", "../notifications", "../users", "../members", "../organizations", "../two-factor-host", "@/lib/db/schema", "@/lib/db/client", "@/lib/audit", "@/lib/notifications", "@/lib/users", "@/lib/members", "@/lib/organizations", "@/lib/two-factor-host"],
              message: "The core reads none of the portal's tables or texts: ask the host (`host`, ./host.ts) or use the plugin's own schema, audit and notices.",
            },
          ],
        },
      ],
    },
  },
]);
