import { describe, expect, it } from "vitest";
import { DEFAULT_HEAP_LIMIT_MB, DEFAULT_SEMI_SPACE_MB, serverNodeOptions } from "../../scripts/node-options";

const HEAP = `--max-old-space-size=${DEFAULT_HEAP_LIMIT_MB}`;
const SEMI = `--max-semi-space-size=${DEFAULT_SEMI_SPACE_MB}`;

describe("npm start's Node options", () => {
  it("give the server the default heap and young-generation limits, keeping the operator's other options", () => {
    expect(serverNodeOptions({})).toBe(`${HEAP} ${SEMI}`);
    expect(serverNodeOptions({ NODE_OPTIONS: "--enable-source-maps" })).toBe(`--enable-source-maps ${HEAP} ${SEMI}`);
  });

  it("leave an operator's own heap limit alone", () => {
    expect(serverNodeOptions({ NODE_OPTIONS: "--max-old-space-size=1024" })).toBe(`--max-old-space-size=1024 ${SEMI}`);
    expect(serverNodeOptions({ NODE_OPTIONS: "--trace-gc --max-old-space-size 2048" })).toBe(`--trace-gc --max-old-space-size 2048 ${SEMI}`);
  });

  it("leave an operator's own young-generation limit alone", () => {
    expect(serverNodeOptions({ NODE_OPTIONS: "--max-semi-space-size=64" })).toBe(`--max-semi-space-size=64 ${HEAP}`);
    expect(serverNodeOptions({ NODE_OPTIONS: "--max-old-space-size=512 --max-semi-space-size 16" })).toBe("--max-old-space-size=512 --max-semi-space-size 16");
  });
});
