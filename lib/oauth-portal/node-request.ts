// What the /oauth pages route reads of Node's request: its cookies as the session readers take
// them, its headers as a Web Headers, and a small url-encoded form (the sign-in step's buttons).
import type http from "node:http";
import type { CookieJar } from "../auth/session-token";
import { requestCookies as readCookieHeader } from "../two-factor/request-cookies";

/** The request's cookies as the session readers take them (the plugin's reader of a Cookie header). */
export function requestCookies(req: http.IncomingMessage): CookieJar {
  return readCookieHeader(req.headers.cookie ?? null);
}

export function nodeHeaders(req: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  return headers;
}

const FORM_LIMIT_BYTES = 4 * 1024;

/** The fields of an application/x-www-form-urlencoded body of at most 4 KB, or null. */
export async function readSmallForm(req: http.IncomingMessage): Promise<Record<string, string> | null> {
  if (!(req.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) return null;
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}
