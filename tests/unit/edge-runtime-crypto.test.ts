import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";

// Issue 17, item 3: in Next.js's edge sandbox every function of `process` throws when called
// (next/dist/server/web/sandbox/context.js), and the global `EdgeRuntime` is set. Loaded there,
// lib/edge-crypto.ts must take WebCrypto without calling any of them, and the gate's cookie
// readers must still judge a cookie (the edge build's e2e project, pglite-edge, runs the rest).

const SECRET = "a-test-auth-secret-of-at-least-32-characters!";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe("the middleware's cryptography on the edge runtime", () => {
  it("never calls the sandbox's process functions and uses WebCrypto, still reading a session token right", async () => {
    const sandboxProcess = new Proxy(
      { env: {} },
      {
        get: (target, key) =>
          key in target
            ? target[key as keyof typeof target]
            : () => {
                throw new Error(`A Node.js API is used (process.${String(key)}) which is not supported in the Edge Runtime.`);
              },
      },
    );
    // The token is made with Node's crypto first; only the reader is loaded as the edge loads it.
    const { encodeSessionToken } = await import("@/lib/auth/session-token");
    const userId = randomUUID();
    const now = Date.now();
    const token = await encodeSessionToken({ sub: userId, amr: ["pwd", "sms"], authTime: now }, SECRET, "authjs.session-token", now, 3600);
    vi.resetModules();
    vi.stubGlobal("EdgeRuntime", "edge-runtime");
    vi.stubGlobal("process", sandboxProcess);
    let loaded: { name: string; claims: unknown };
    try {
      const edge = await import("@/lib/edge-crypto");
      const { readSessionClaims } = await import("@/lib/auth/session-token");
      const jar = { get: (name: string) => (name === "authjs.session-token" ? { value: token } : undefined), getAll: () => [] };
      loaded = { name: edge.cryptoPrimitives.name, claims: await readSessionClaims(jar, SECRET, now) };
    } finally {
      vi.unstubAllGlobals();
    }
    expect(loaded.name).toBe("WebCrypto");
    expect(loaded.claims).toEqual({ userId, amr: ["pwd", "sms"], authTime: now });
  });
});
