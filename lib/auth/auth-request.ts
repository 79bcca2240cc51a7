import { NextRequest } from "next/server";
import { ERROR_MESSAGES, type ErrorCode } from "../errors";
import { FORM_BODY_LIMIT_BYTES, readBoundedBody } from "../http/bounded-body";

const CALLBACK_URL_COOKIES = ["authjs.callback-url", "__Secure-authjs.callback-url"];

/** @auth/core's own test of a callback URL: absolute http(s), or a path on this origin. */
function isHttpUrl(value: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

/** Every value the Cookie header gives these names, decoded as @auth/core decodes them (raw when not decodable). */
function cookieValues(header: string | null, names: string[]): { name: string; value: string }[] {
  const found: { name: string; value: string }[] = [];
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    const name = pair.slice(0, Math.max(at, 0)).trim();
    if (at === -1 || !names.includes(name)) continue;
    const raw = pair.slice(at + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // @auth/core keeps such a value as it is, and then refuses it as a URL.
    }
    found.push({ name, value });
  }
  return found;
}

function refusal(status: number, code: ErrorCode, clearCookies: string[] = []): Response {
  const response = Response.json({ ok: false, error: ERROR_MESSAGES[code] }, { status, headers: { "cache-control": "no-store" } });
  for (const name of clearCookies) {
    response.headers.append("set-cookie", `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`);
  }
  return response;
}

/**
 * What next-auth's routes get: a request whose body is at most FORM_BODY_LIMIT_BYTES (next-auth
 * reads any body whole) and whose callback URL, in the query or its cookie, is one next-auth
 * accepts; it answers any other callback URL with a 500 "server configuration" error. A bad
 * cookie is cleared with the refusal, so the next request works.
 */
export async function checkAuthRequest(request: NextRequest): Promise<{ ok: true; request: NextRequest } | { ok: false; response: Response }> {
  const origin = request.nextUrl.origin;
  if (request.nextUrl.searchParams.getAll("callbackUrl").some((value) => value && !isHttpUrl(value, origin))) {
    return { ok: false, response: refusal(400, "INVALID_CALLBACK_URL") };
  }
  const badCookies = [
    ...new Set(cookieValues(request.headers.get("cookie"), CALLBACK_URL_COOKIES).filter((c) => c.value && !isHttpUrl(c.value, origin)).map((c) => c.name)),
  ];
  if (badCookies.length > 0) return { ok: false, response: refusal(400, "INVALID_CALLBACK_URL", badCookies) };
  if (request.method !== "POST") return { ok: true, request };
  const body = await readBoundedBody(request, FORM_BODY_LIMIT_BYTES);
  if (!body.ok) return { ok: false, response: refusal(body.code === "BODY_TOO_LARGE" ? 413 : 400, body.code) };
  return { ok: true, request: new NextRequest(request.url, { method: "POST", headers: request.headers, body: body.bytes as BodyInit }) };
}
