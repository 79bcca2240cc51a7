import { describe, expect, it } from "vitest";
import { DEFAULT_HEAP_LIMIT_MB, serverNodeOptions } from "../../scripts/node-options";

describe("npm start's Node options", () => {
  it("give the server the default heap limit, keeping the operator's other options", () => {
    expect(serverNodeOptions({})).toBe(`--max-old-space-size=${DEFAULT_HEAP_LIMIT_MB}`);
    expect(serverNodeOptions({ NODE_OPTIONS: "--enable-source-maps" })).toBe(`--enable-source-maps --max-old-space-size=${DEFAULT_HEAP_LIMIT_MB}`);
  });

  it("leave an operator's own heap limit alone", () => {
    expect(serverNodeOptions({ NODE_OPTIONS: "--max-old-space-size=1024" })).toBe("--max-old-space-size=1024");
    expect(serverNodeOptions({ NODE_OPTIONS: "--trace-gc --max-old-space-size 2048" })).toBe("--trace-gc --max-old-space-size 2048");
  });
});
