import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The core (lib/two-factor) is what a host mounts: it must not reach into the portal's session
// glue (lib/auth imports the core, never the reverse), the app, or Next.js.
const coreDir = join(process.cwd(), "lib", "two-factor");
const coreFiles = readdirSync(coreDir).filter((file) => /\.tsx?$/.test(file));
const importsOf = (source: string) => [...source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);

describe("the two-factor core's imports", () => {
  it("has files to check", () => {
    expect(coreFiles.length).toBeGreaterThan(10);
  });

  it.each(coreFiles)("%s imports nothing from lib/auth, app/ or next/*", (file) => {
    const imports = importsOf(readFileSync(join(coreDir, file), "utf8"));
    expect(imports.filter((path) => /^\.\.\/auth(\/|$)|^@\/lib\/auth|^@\/app|^next(\/|$)|^next-auth/.test(path))).toEqual([]);
  });

  it.each(coreFiles)("%s reads no environment and no process-wide database: the host gives them", (file) => {
    const source = readFileSync(join(coreDir, file), "utf8");
    expect(source).not.toMatch(/process\.env|\bgetDb\b/);
  });
});
