// The import walls of README.md's Architecture section, checked by `npm run lint` (so in
// `npm test` and CI). Each rule names the wall it holds.
// No baseline of known violations: every crossing fails.

/** The database: its modules in lib/db and the drivers. */
const DATABASE = ["^lib/db/", "^node_modules/(drizzle-orm|pg|pg-[^/]+|@electric-sql/pglite)/"];
/**
 * The breaker's flag lives beside the breaker (lib/db/outage.ts) but is a process-wide boolean with
 * no imports and no database access: the middleware reads it to answer 503 (README, Architecture).
 */
const NOT_DATABASE = ["^lib/db/outage-flag\\.ts$"];

/** What runs on Node.js only: its built-ins and the packages that need them (iron-session and jose run on the edge too). */
const NODE_ONLY = [
  "^node:",
  `^(${require("node:module").builtinModules.join("|")})(/|$)`,
  "^node_modules/(nodemailer|@vonage|@node-rs)/",
];

/**
 * What builds the OAuth provider: oidc-provider (about 45 MiB resident) and the modules that use
 * its values. lib/oauth-portal/provider.ts loads them by a dynamic import when an app is registered.
 */
const OAUTH_PROVIDER_BUILD = [
  "^lib/oauth-portal/(provider-build|interaction)\\.ts$",
  "^lib/oauth/(provider-store|provider-configuration|interaction-result)\\.ts$",
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Wall: no import cycles anywhere.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "middleware-reaches-no-database",
      comment: "Wall: the middleware reaches no database module (it decides from cookies alone; it must stay edge-safe).",
      severity: "error",
      from: { path: "^middleware\\.ts$" },
      to: { reachable: true, path: DATABASE, pathNot: NOT_DATABASE },
    },
    {
      name: "middleware-reaches-no-node-only-module",
      comment: "Wall: the middleware reaches no Node-only module (moving it back to the edge stays a one-line change).",
      severity: "error",
      from: { path: "^middleware\\.ts$" },
      to: { reachable: true, path: NODE_ONLY },
    },
    {
      name: "app-reaches-database-only-through-lib",
      comment: "Wall: app/ reaches the database only through lib/ (loaders in lib/queries, actions' lib calls): no lib/db or drizzle import.",
      severity: "error",
      from: { path: "^(app|pages)/" },
      to: { path: ["^lib/db/", "^node_modules/drizzle-orm/"] },
    },
    {
      name: "core-imports-no-app-or-next",
      comment: "Wall: the two-factor core imports nothing from app/ nor Next.js (a host mounts it; the edge acts on its answers).",
      severity: "error",
      from: { path: "^lib/two-factor/" },
      to: { path: ["^app/", "^node_modules/next/"] },
    },
    {
      name: "only-the-next-auth-part-imports-next-auth",
      comment: "Wall: next-auth is the plugin's next-auth part only (lib/two-factor/next-auth/, issue 16): the rest of the core serves any session strategy, and no other part imports it.",
      severity: "error",
      from: { path: "^lib/two-factor/", pathNot: "^lib/two-factor/next-auth/" },
      to: { path: ["^node_modules/next-auth/", "^node_modules/@auth/", "^lib/two-factor/next-auth/"] },
    },
    {
      name: "oauth-core-imports-no-app-next-or-database",
      comment: "Wall: the OAuth core (lib/oauth, issue 19) imports nothing from app/ nor Next.js, and is handed its database and clock: no lib/db or lib/auth import (lib/db/schema re-exports its table, not the reverse).",
      severity: "error",
      from: { path: "^lib/oauth/" },
      to: { path: ["^app/", "^node_modules/next/", "^lib/db/", "^lib/auth/"] },
    },
    {
      name: "core-imports-no-portal-auth",
      comment: "Wall: no cycle between lib/auth (the portal's sessions, which use the core) and the core: the core imports nothing from lib/auth.",
      severity: "error",
      from: { path: "^lib/two-factor/" },
      to: { path: "^lib/auth/" },
    },
    {
      name: "core-reads-no-portal-schema",
      comment:
        "Wall: the core needs none of the portal's tables or texts (issue 15): it declares its own tables and audit columns (lib/two-factor/schema.ts), asks the host for organizations, roles and sessions (`host`, lib/two-factor/host.ts) and keeps its notices' texts (lib/two-factor/notices.ts). The portal's schema, its Db type, audit, notices, users, members and organizations stay the portal's.",
      severity: "error",
      from: { path: "^lib/two-factor/" },
      to: { path: ["^lib/db/schema", "^lib/db/client", "^lib/audit", "^lib/notifications", "^lib/users", "^lib/members", "^lib/organizations", "^lib/two-factor-host"] },
    },
    {
      name: "app-mounts-the-plugin-through-its-entry-points",
      comment: "Wall: the portal is the plugin's first host: its pages, actions and components use lib/two-factor only through its entry points (index: server, client: browser, react: components).",
      severity: "error",
      from: { path: "^(app|components)/" },
      to: { path: "^lib/two-factor/", pathNot: "^lib/two-factor/(index|client|react)\\.ts$" },
    },
    {
      name: "plugin-components-import-no-portal",
      comment: "Wall: the plugin (its React components included) imports nothing of the portal's components or pages: a host renders them without ours.",
      severity: "error",
      from: { path: "^lib/two-factor/" },
      to: { path: ["^components/", "^app/"] },
    },
    {
      name: "sms-knows-no-users-or-codes",
      comment: "Wall: lib/sms delivers a text to a number and knows nothing of users, codes, sessions or the database.",
      severity: "error",
      from: { path: "^lib/sms/" },
      to: { path: ["^lib/users\\.ts$", "^lib/two-factor/", "^lib/db/", "^lib/auth/"] },
    },
    {
      name: "oidc-provider-loads-only-with-a-registered-app",
      comment: "Wall: oidc-provider and the modules that use its values are loaded by the provider's dynamic import alone, so a portal without apps never holds them in memory (bench/RESULTS.md, stop 26).",
      severity: "error",
      from: { pathNot: OAUTH_PROVIDER_BUILD },
      to: { path: [...OAUTH_PROVIDER_BUILD, "^node_modules/oidc-provider/"], dependencyTypesNot: ["dynamic-import"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^\\.next", "^node_modules/\\.cache"] },
    // The graph of what runs: type-only imports are erased at build time and reach nothing at run time.
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
