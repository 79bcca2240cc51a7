/**
 * Request bodies read with a bound: the declared Content-Length is checked before anything is
 * read, and the bytes are counted as they stream in, so a body that declares no length (chunked)
 * or a false one is cut off at the limit too. Edge-safe (web streams only).
 */

/** The two-factor and next-auth forms send a few hundred bytes; 16 KiB leaves room and parses in microseconds. */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024;

export type BoundedBody = { ok: true; bytes: Uint8Array } | { ok: false; code: "BODY_TOO_LARGE" | "MALFORMED_BODY" };

/** The Content-Length a request declares, or null when it declares none (or nothing readable). */
export function declaredLength(headers: Headers): number | null {
  const value = headers.get("content-length")?.trim();
  return value && /^[0-9]{1,15}$/.test(value) ? Number(value) : null;
}

export async function readBoundedBody(request: Request, limitBytes: number): Promise<BoundedBody> {
  const declared = declaredLength(request.headers);
  if (declared !== null && declared > limitBytes) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, code: "BODY_TOO_LARGE" };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const read = await reader.read().catch(() => null);
    // The client went away or sent something the stream could not carry.
    if (!read) return { ok: false, code: "MALFORMED_BODY" };
    if (read.done) break;
    total += read.value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, code: "BODY_TOO_LARGE" };
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** The body as form data (multipart or URL-encoded, as the request's Content-Type says), or null when it is not. */
export async function formDataOf(bytes: Uint8Array, contentType: string | null): Promise<FormData | null> {
  if (!contentType) return null;
  try {
    return await new Response(bytes as BodyInit, { headers: { "content-type": contentType } }).formData();
  } catch {
    return null;
  }
}
