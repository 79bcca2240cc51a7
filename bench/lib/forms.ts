import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { SESSION_MAX_AGE_SECONDS } from "../../lib/auth/config.edge";
import { sealPendingSignIn, twoFactorCookies } from "../../lib/two-factor/cookies";
import { DIST_DIR, ROOT } from "./config";

/** next-auth's session cookie on http (on https it is "__Secure-authjs.session-token"). */
export const SESSION_COOKIE = "authjs.session-token";
/** The pending sign-in cookie of a production server. */
export const PENDING_COOKIE = twoFactorCookies({ cookiePrefix: "c2fa", secureCookies: true }).pendingSignIn.name;

/** A server action's id, from the build's server-reference manifest. */
export function serverActionId(file: string, exportedName: string): string {
  const manifestPath = path.join(ROOT, DIST_DIR, "server", "server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.filename === file && entry.exportedName === exportedName) return id;
  }
  throw new Error(`server action ${exportedName} of ${file} is not in ${manifestPath}`);
}

/** A session cookie as next-auth issues it after a completed sign-in (same secret, same salt). */
export async function mintSessionCookie(authSecret: string, userId: string, amr: string[] = ["pwd", "sms"]): Promise<string> {
  const token = await encode({
    token: { sub: userId, amr, authTime: Date.now() },
    secret: authSecret,
    salt: SESSION_COOKIE,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  return `${SESSION_COOKIE}=${token}`;
}

/** The pending sign-in the password step seals, for one seeded challenge. */
export async function pendingCookie(
  sessionPassword: string,
  challenge: { userId: string; nonce: string; organizationId?: string },
  returnTo = "/",
): Promise<string> {
  // As the password step seals it: with the user's organization, so the code step asks nobody for it.
  const sealed = await sealPendingSignIn(
    { userId: challenge.userId, nonce: challenge.nonce, stage: "challenge", createdAt: Date.now(), returnTo, organizationId: challenge.organizationId },
    sessionPassword,
  );
  return `${PENDING_COOKIE}=${sealed}`;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w:$-]+)="([^"]*)"/g)) attrs[match[1]!] = decodeEntities(match[2]!);
  return attrs;
}

/**
 * The hidden inputs React renders into a server-rendered form that uses useActionState (the
 * action's reference, its bound state and the form's key): a browser's submission carries them.
 * Taken from the form that has a field named `field`.
 */
export function hiddenFormFields(html: string, field: string): [string, string][] {
  for (const form of html.match(/<form[\s\S]*?<\/form>/g) ?? []) {
    if (!form.includes(`name="${field}"`)) continue;
    const fields: [string, string][] = [];
    for (const tag of form.match(/<input\b[^>]*>/g) ?? []) {
      const attrs = attributes(tag);
      if (attrs.type === "hidden" && attrs.name !== undefined) fields.push([attrs.name, attrs.value ?? ""]);
    }
    return fields;
  }
  throw new Error(`no form with a field "${field}" in the page`);
}

/** A multipart/form-data body of these fields, as `fetch(url, { body: new FormData(form) })` sends it. */
export function multipartBody(fields: (readonly [string, string])[]): { body: string; contentType: string } {
  const boundary = `----BenchFormBoundary${randomBytes(8).toString("hex")}`;
  const body =
    fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join("") +
    `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The body a browser sends when a useActionState form calls its server action (seen in
 * Chromium: the form's entries under the "_1_" prefix, then "0" = [previous state, $K1]).
 */
export function actionFormBody(fields: [string, string][]): { body: string; contentType: string } {
  return multipartBody([...fields.map(([name, value]) => [`_1_${name}`, value] as const), ["0", '[{},"$K1"]'] as const]);
}

/**
 * The router state a browser sends with a server action call (Next's `next-router-state-tree`
 * header, as Chromium sent it from the challenge page): the page's segments, outermost first.
 */
export function routerStateTree(segments: string[]): string {
  let tree: unknown[] = ["__PAGE__", {}, null, null, 0];
  for (const segment of [...segments].reverse()) tree = [segment, { children: tree }, null, null, 0];
  tree = ["", { children: tree }, null, null, 16];
  return encodeURIComponent(JSON.stringify(tree));
}

/** The headers of a server action call from the page at `pagePath` (segments: its route groups and folders). */
export function actionHeaders(input: {
  origin: string;
  pagePath: string;
  segments: string[];
  actionId: string;
  contentType: string;
  cookie?: string;
  clientIp: string;
}): Record<string, string> {
  return {
    "next-action": input.actionId,
    "next-router-state-tree": routerStateTree(input.segments),
    accept: "text/x-component",
    origin: input.origin,
    referer: `${input.origin}${input.pagePath}`,
    "content-type": input.contentType,
    "user-agent": "connect-2fa-bench",
    // The rightmost entry is the client address the app records and rate-limits on: one per client.
    "x-forwarded-for": input.clientIp,
    ...(input.cookie ? { cookie: input.cookie } : {}),
  };
}

/** 10.x.y.z for client n. */
export function clientIp(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** The set-cookie values of a response's headers (autocannon gives a string or an array). */
export function setCookies(headers: Record<string, string | string[]>): string[] {
  const value = headers["set-cookie"] ?? headers["Set-Cookie"];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
