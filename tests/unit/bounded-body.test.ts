import { describe, expect, it } from "vitest";
import { declaredLength, formDataOf, readBoundedBody } from "@/lib/http/bounded-body";

const LIMIT = 1024;

/** A body streamed in 256-byte chunks, counting how many chunks were pulled from it. */
function streamedRequest(totalBytes: number, headers: Record<string, string> = {}) {
  const pulled = { chunks: 0 };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const size = Math.min(256, totalBytes - sent);
      sent += size;
      pulled.chunks++;
      controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
  const request = new Request("http://portal.test/form", { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return { request, pulled };
}

describe("readBoundedBody (a request body read with a limit)", () => {
  it("refuses a body whose declared Content-Length is over the limit without reading any of it", async () => {
    const { request, pulled } = streamedRequest(20_000_000, { "content-length": "20000000" });
    expect(await readBoundedBody(request, LIMIT)).toEqual({ ok: false, code: "BODY_TOO_LARGE" });
    expect(pulled.chunks).toBeLessThanOrEqual(1); // at most what the stream pulls ahead by itself
  });

  it("refuses a body that declares no length (chunked), or too small a one, once the bytes read pass the limit, reading no further", async () => {
    for (const headers of [{}, { "content-length": "10" }] as Record<string, string>[]) {
      const { request, pulled } = streamedRequest(20_000_000, headers);
      expect(await readBoundedBody(request, LIMIT)).toEqual({ ok: false, code: "BODY_TOO_LARGE" });
      expect(pulled.chunks).toBeLessThanOrEqual(LIMIT / 256 + 2);
    }
  });

  it("gives a body up to the limit whole, byte for byte", async () => {
    for (const size of [0, 1, LIMIT - 1, LIMIT]) {
      const result = await readBoundedBody(streamedRequest(size).request, LIMIT);
      expect(result.ok && result.bytes.byteLength).toBe(size);
    }
    const text = "method=sms&code=123456";
    const result = await readBoundedBody(new Request("http://portal.test/form", { method: "POST", body: text }), LIMIT);
    expect(result.ok && new TextDecoder().decode(result.bytes)).toBe(text);
  });

  it("a body stream that fails is MALFORMED_BODY, not an exception", async () => {
    const body = new ReadableStream({ pull: (controller) => controller.error(new Error("client went away")) });
    const request = new Request("http://portal.test/form", { method: "POST", body, duplex: "half" } as RequestInit);
    expect(await readBoundedBody(request, LIMIT)).toEqual({ ok: false, code: "MALFORMED_BODY" });
  });

  it("reads a declared length only when it is a plain number", () => {
    expect(declaredLength(new Headers({ "content-length": "42" }))).toBe(42);
    for (const value of ["", "-1", "1e3", "0x10", "12 34", "99999999999999999999"]) expect(declaredLength(new Headers({ "content-length": value }))).toBeNull();
    expect(declaredLength(new Headers())).toBeNull();
  });
});

describe("formDataOf", () => {
  it("parses URL-encoded and multipart bodies, and answers null for anything it cannot read, never throwing", async () => {
    const encoded = await formDataOf(new TextEncoder().encode("method=sms&code=%00"), "application/x-www-form-urlencoded");
    expect(encoded?.get("code")).toBe("\u0000");
    const multipart = "--zz\r\nContent-Disposition: form-data; name=\"method\"\r\n\r\nbackup\r\n--zz--\r\n";
    expect((await formDataOf(new TextEncoder().encode(multipart), "multipart/form-data; boundary=zz"))?.get("method")).toBe("backup");
    for (const [body, type] of [
      ["garbage", "multipart/form-data; boundary=zz"],
      ["garbage", "multipart/form-data"],
      ['{"method":"sms"}', "application/json"],
      ["method=sms", null],
      ["\u0000\uffff", "text/plain"],
    ] as const) {
      expect(await formDataOf(new TextEncoder().encode(body), type), `${type}: ${body}`).toBeNull();
    }
  });
});
