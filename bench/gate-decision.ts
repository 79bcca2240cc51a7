// Item 2: the middleware's decision in process (decideGateForRequest, exactly as middleware.ts
// calls it), against the bare cryptography it has to do, with the crypto it uses: node:crypto (the
// middleware runs on the Node runtime; lib/edge-crypto.ts). The WebCrypto figures (the edge
// runtime's only crypto) are shown beside them: the bare operations, and the same decision with
// WebCrypto, as the edge build (`npm run build:test:edge`) makes it.
import { createDecipheriv, createHmac, createSecretKey, hkdfSync, pbkdf2Sync, timingSafeEqual, type KeyObject } from "node:crypto";
import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authConfig } from "../lib/auth/config.edge";
import { decideGate, decideGateFromCookies } from "../lib/auth/gate";
import { decideGateForRequest } from "../lib/auth/gate-request";
import { readSessionClaims } from "../lib/auth/session-token";
import { andThen, webCryptoPrimitives } from "../lib/edge-crypto";
import { unsealIron } from "../lib/iron-unseal";
import { unsealPendingSignIn } from "../lib/two-factor/cookies";
import type { Secrets } from "./lib/config";
import { mintSessionCookie, PENDING_COOKIE, pendingCookie, SESSION_COOKIE } from "./lib/forms";

/**
 * The session token's cryptography, with node:crypto and nothing else: the HKDF key derivation
 * Auth.js does per token, the A256CBC-HS512 tag check (HMAC-SHA-512) and the AES-256-CBC
 * decryption (RFC 7516/7518), then JSON.
 */
export function bareSessionDecrypt(token: string, secret: string, salt: string): { sub?: string } {
  return bareSessionDecryptKeyed(token, sessionKeyObjects(Buffer.from(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64))));
}

/** A256CBC-HS512's two keys as KeyObjects (node:crypto's fastest form of a key). */
export function sessionKeyObjects(key: Buffer): { mac: KeyObject; aes: KeyObject } {
  return { mac: createSecretKey(key.subarray(0, 32)), aes: createSecretKey(key.subarray(32)) };
}

/** The session token's tag check and decryption with node:crypto and a key derived once: what the gate must do per request. */
export function bareSessionDecryptKeyed(token: string, key: { mac: KeyObject; aes: KeyObject }): { sub?: string } {
  const [protectedHeader, , ivB64, ciphertextB64, tagB64] = token.split(".");
  if (!protectedHeader || !ivB64 || !ciphertextB64 || !tagB64) throw new Error("not a compact JWE");
  const aad = Buffer.from(protectedHeader, "ascii");
  const iv = Buffer.from(ivB64, "base64url");
  const ciphertext = Buffer.from(ciphertextB64, "base64url");
  const aadBits = Buffer.alloc(8);
  aadBits.writeBigUInt64BE(BigInt(aad.length * 8));
  const tag = createHmac("sha512", key.mac).update(aad).update(iv).update(ciphertext).update(aadBits).digest().subarray(0, 32);
  if (!timingSafeEqual(tag, Buffer.from(tagB64, "base64url"))) throw new Error("bad tag");
  const decipher = createDecipheriv("aes-256-cbc", key.aes, iv);
  return JSON.parse(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8")) as { sub?: string };
}

/**
 * The pending cookie's cryptography (iron "Fe26.2", as iron-session seals it): two PBKDF2-SHA1
 * derivations of one iteration, the HMAC-SHA-256 check, the AES-256-CBC decryption, then JSON.
 */
export function bareIronUnseal(sealed: string, password: string): { userId?: string } {
  const tilde = sealed.indexOf("~");
  const parts = (tilde === -1 ? sealed : sealed.slice(0, tilde)).split("*");
  if (parts.length !== 8 || parts[0] !== "Fe26.2") throw new Error("not an iron seal");
  const [, , encryptionSalt, ivB64, encryptedB64, , hmacSalt, digest] = parts as [string, string, string, string, string, string, string, string];
  const integrityKey = createSecretKey(pbkdf2Sync(password, hmacSalt, 1, 32, "sha1"));
  const mac = createHmac("sha256", integrityKey).update(parts.slice(0, 6).join("*")).digest();
  if (!timingSafeEqual(mac, Buffer.from(digest, "base64url"))) throw new Error("bad hmac");
  const encryptionKey = createSecretKey(pbkdf2Sync(password, encryptionSalt, 1, 32, "sha1"));
  const decipher = createDecipheriv("aes-256-cbc", encryptionKey, Buffer.from(ivB64, "base64url"));
  const encrypted = Buffer.from(encryptedB64, "base64url");
  return JSON.parse(Buffer.concat([decipher.update(encrypted), decipher.final()]).toString("utf8")) as { userId?: string };
}

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();

/** Auth.js's HKDF derivation of the token key from the secret, with WebCrypto. */
export async function webCryptoSessionKey(secret: string, salt: string): Promise<Uint8Array<ArrayBuffer>> {
  const material = await subtle.importKey("raw", utf8.encode(secret), "HKDF", false, ["deriveBits"]);
  return new Uint8Array(
    await subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: utf8.encode(salt), info: utf8.encode(`Auth.js Generated Encryption Key (${salt})`) },
      material,
      512,
    ),
  );
}

/**
 * The same session-token cryptography with WebCrypto only, which is all the edge runtime offers
 * the middleware: HKDF (unless the key is given), HMAC-SHA-512, AES-256-CBC.
 */
export async function webCryptoSessionDecrypt(token: string, secret: string, salt: string, derived?: Uint8Array<ArrayBuffer>): Promise<{ sub?: string }> {
  const [protectedHeader, , ivB64, ciphertextB64, tagB64] = token.split(".");
  if (!protectedHeader || !ivB64 || !ciphertextB64 || !tagB64) throw new Error("not a compact JWE");
  const key = derived ?? (await webCryptoSessionKey(secret, salt));
  const aad = utf8.encode(protectedHeader);
  const iv = Buffer.from(ivB64, "base64url");
  const ciphertext = Buffer.from(ciphertextB64, "base64url");
  const aadBits = Buffer.alloc(8);
  aadBits.writeBigUInt64BE(BigInt(aad.length * 8));
  const macKey = await subtle.importKey("raw", key.subarray(0, 32), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  const mac = new Uint8Array(await subtle.sign("HMAC", macKey, Buffer.concat([aad, iv, ciphertext, aadBits])));
  if (!timingSafeEqual(mac.subarray(0, 32), Buffer.from(tagB64, "base64url"))) throw new Error("bad tag");
  const encKey = await subtle.importKey("raw", key.subarray(32), "AES-CBC", false, ["decrypt"]);
  const plain = await subtle.decrypt({ name: "AES-CBC", iv }, encKey, ciphertext);
  return JSON.parse(Buffer.from(plain).toString("utf8")) as { sub?: string };
}

/** The pending cookie's cryptography with WebCrypto only (what iron-webcrypto calls). */
export async function webCryptoIronUnseal(sealed: string, password: string): Promise<{ userId?: string }> {
  const tilde = sealed.indexOf("~");
  const parts = (tilde === -1 ? sealed : sealed.slice(0, tilde)).split("*");
  if (parts.length !== 8 || parts[0] !== "Fe26.2") throw new Error("not an iron seal");
  const [, , encryptionSalt, ivB64, encryptedB64, , hmacSalt, digest] = parts as [string, string, string, string, string, string, string, string];
  const base = await subtle.importKey("raw", utf8.encode(password), "PBKDF2", false, ["deriveKey"]);
  const pbkdf2 = (salt: string) => ({ name: "PBKDF2", salt: utf8.encode(salt), iterations: 1, hash: "SHA-1" });
  const integrityKey = await subtle.deriveKey(pbkdf2(hmacSalt), base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["verify"]);
  const valid = await subtle.verify("HMAC", integrityKey, Buffer.from(digest, "base64url"), utf8.encode(parts.slice(0, 6).join("*")));
  if (!valid) throw new Error("bad hmac");
  const encryptionKey = await subtle.deriveKey(pbkdf2(encryptionSalt), base, { name: "AES-CBC", length: 256 }, false, ["decrypt"]);
  const plain = await subtle.decrypt({ name: "AES-CBC", iv: Buffer.from(ivB64, "base64url") }, encryptionKey, Buffer.from(encryptedB64, "base64url"));
  return JSON.parse(Buffer.from(plain).toString("utf8")) as { userId?: string };
}

type Op = () => Promise<unknown> | unknown;

/** Runs the ops in interleaved slices of `sliceMs` for `rounds` rounds; microseconds per call of each. */
async function timeInterleaved(ops: Record<string, Op>, rounds: number, sliceMs: number): Promise<Record<string, number>> {
  const totals = Object.fromEntries(Object.keys(ops).map((name) => [name, { ms: 0, calls: 0 }]));
  for (let round = -1; round < rounds; round++) {
    for (const [name, op] of Object.entries(ops)) {
      const started = performance.now();
      let calls = 0;
      let elapsed = 0;
      do {
        for (let i = 0; i < 20; i++) await op();
        calls += 20;
        elapsed = performance.now() - started;
      } while (elapsed < sliceMs);
      if (round >= 0) {
        totals[name]!.ms += elapsed;
        totals[name]!.calls += calls;
      }
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([name, t]) => [name, (t.ms * 1000) / t.calls]));
}

export interface GateDecisionResult {
  /** µs per decision: decideGateForRequest, the function middleware.ts calls to decide, called as it calls it */
  gate: { both: number; session: number; pending: number };
  /** µs per call of middleware.ts's default export, as `next start` calls it: the decision and its NextResponse (diagnostic) */
  middleware: { both: number; session: number; pending: number };
  /** the bare cryptography with WebCrypto (the edge runtime's only crypto), HKDF per token as Auth.js does */
  bare: { both: number; session: number; pending: number };
  /** the session token's bare cryptography with its key derived once: what the gate must do per request, the baseline */
  bareSessionKeyed: number;
  /** the same with node:crypto's synchronous functions, which the gate uses on Node (not available on the edge) */
  nodeBare: { both: number; session: number; pending: number };
  /** the session token's bare node:crypto operations with the key derived once: the baseline of the signed-in figures */
  nodeSessionKeyed: number;
  /** decideGateFromCookies with readers over readSessionClaims and unsealPendingSignIn, both cookies: the decision without decideGateForRequest's request and env (diagnostic) */
  core: number;
  /** the same decision with WebCrypto, the edge runtime's only crypto (keys derived and imported once, as on the edge): the signed-in page and both cookies */
  edge: { session: number; both: number };
  /** the gate before issue 6: next-auth's auth() middleware wrapper (which also re-encodes the session) + unseal + decideGate */
  wrapper: number;
}

type Middleware = (request: NextRequest, event: unknown) => Response | Promise<Response>;

export async function measureGateDecision(secrets: Secrets, userId: string, options = { rounds: 5, sliceMs: 200 }): Promise<GateDecisionResult> {
  // middleware.ts reads these (next-auth takes AUTH_SECRET when the module is loaded).
  process.env.AUTH_SECRET = secrets.AUTH_SECRET;
  process.env.SESSION_PASSWORD = secrets.SESSION_PASSWORD;
  delete process.env.MIDDLEWARE_GATE;
  delete process.env.AUTH_URL;
  (process.env as Record<string, string>).NODE_ENV = "production";
  const middleware = (await import("../middleware")).default as unknown as Middleware;

  const sessionCookie = await mintSessionCookie(secrets.AUTH_SECRET, userId);
  const pending = await pendingCookie(secrets.SESSION_PASSWORD, { userId, nonce: "bench-nonce-0123456789abcdefghijklmnopqrstuvwxyz" });
  const sessionToken = sessionCookie.slice(SESSION_COOKIE.length + 1);
  const sealed = pending.slice(PENDING_COOKIE.length + 1);
  const request = (path: string, cookie: string) =>
    new NextRequest(`http://127.0.0.1:3300${path}`, {
      // What `next start` hands the middleware: it adds the x-forwarded-* headers.
      headers: { cookie, host: "127.0.0.1:3300", "x-forwarded-host": "127.0.0.1:3300", "x-forwarded-port": "3300", "x-forwarded-proto": "http", "x-forwarded-for": "127.0.0.1" },
    });
  const requests = {
    session: request("/", sessionCookie),
    pending: request("/two-factor/challenge", pending),
    both: request("/", `${sessionCookie}; ${pending}`),
  };

  // What middleware.ts does to decide, to the letter (lib/auth/gate-request.ts).
  const decide = (req: NextRequest) => {
    const { nextUrl } = req;
    return decideGateForRequest({ pathname: nextUrl.pathname, search: nextUrl.search, cookies: req.cookies }, process.env, Date.now());
  };
  // Every variant must take the path it claims to: a decision that failed to decode would be cheap.
  for (const [name, req] of Object.entries(requests)) {
    const [decision, response] = [await decide(req), await middleware(req, {})];
    if (decision.action !== "allow" || response.headers.get("x-middleware-next") !== "1") {
      throw new Error(`the gate did not let the ${name} request through (${JSON.stringify(decision)}, status ${response.status})`);
    }
  }
  const anonymous = [await decide(request("/", "")), await middleware(request("/", ""), {})] as const;
  if (anonymous[0].action !== "redirect" || anonymous[1].status !== 307) throw new Error(`the gate let an anonymous request through (status ${anonymous[1].status})`);
  if (bareSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE).sub !== userId) throw new Error("bare JWE decryption disagrees");
  if (bareIronUnseal(sealed, secrets.SESSION_PASSWORD).userId !== userId) throw new Error("bare iron unseal disagrees");
  if ((await webCryptoSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE)).sub !== userId) throw new Error("WebCrypto JWE decryption disagrees");
  if ((await webCryptoIronUnseal(sealed, secrets.SESSION_PASSWORD)).userId !== userId) throw new Error("WebCrypto iron unseal disagrees");

  const core = (now = Date.now()) =>
    decideGateFromCookies(
      { pathname: "/", search: "", isApi: false },
      {
        hasSession: () => andThen(readSessionClaims(requests.both.cookies, secrets.AUTH_SECRET, now), (claims) => claims !== null),
        hasPendingSignIn: () => andThen(unsealPendingSignIn(sealed, secrets.SESSION_PASSWORD, now), (found) => found !== null),
      },
    );
  if ((await core()).action !== "allow") throw new Error("the gate's own functions did not allow the request");
  // The edge runtime's decision: the same readers, with WebCrypto (lib/edge-crypto.ts picks it there).
  const onEdge = (cookies: typeof requests.both.cookies, withPending: boolean, now = Date.now()) =>
    decideGateFromCookies(
      { pathname: "/", search: "", isApi: false },
      {
        hasSession: () => andThen(readSessionClaims(cookies, secrets.AUTH_SECRET, now, webCryptoPrimitives), (claims) => claims !== null),
        hasPendingSignIn: () => (withPending ? andThen(unsealIron(sealed, secrets.SESSION_PASSWORD, now, webCryptoPrimitives), (found) => found !== null) : false),
      },
    );
  if ((await onEdge(requests.session.cookies, false)).action !== "allow" || (await onEdge(requests.both.cookies, true)).action !== "allow") {
    throw new Error("the gate's functions with WebCrypto did not allow the request");
  }
  // The previous middleware.ts, kept here as a reference point.
  const { auth } = NextAuth(authConfig);
  const wrapped = auth(async (req) => {
    const unsealed = await unsealPendingSignIn(req.cookies.get(PENDING_COOKIE)?.value, secrets.SESSION_PASSWORD, Date.now());
    return decideGate({ pathname: "/", search: "", hasSession: Boolean(req.auth?.user?.id), hasPendingSignIn: unsealed !== null, isApi: false }).action === "allow"
      ? new Response(null, { headers: { "x-middleware-next": "1" } })
      : new Response(null, { status: 307 });
  }) as unknown as Middleware;
  if ((await wrapped(requests.both, {})).headers.get("x-middleware-next") !== "1") throw new Error("the reference gate did not allow the request");

  const sessionKey = await webCryptoSessionKey(secrets.AUTH_SECRET, SESSION_COOKIE);
  const nodeSessionKey = sessionKeyObjects(Buffer.from(sessionKey));
  if (bareSessionDecryptKeyed(sessionToken, nodeSessionKey).sub !== userId) throw new Error("keyed node:crypto decryption disagrees");
  if ((await webCryptoSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE, sessionKey)).sub !== userId) throw new Error("keyed WebCrypto decryption disagrees");
  const times = await timeInterleaved(
    {
      ...Object.fromEntries(Object.entries(requests).flatMap(([name, req]) => [[`gate.${name}`, () => decide(req)], [`middleware.${name}`, () => middleware(req, {})]])),
      core,
      edgeSession: () => onEdge(requests.session.cookies, false),
      edgeBoth: () => onEdge(requests.both.cookies, true),
      wrapper: () => wrapped(requests.both, {}),
      bareBoth: async () => {
        await webCryptoSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE);
        await webCryptoIronUnseal(sealed, secrets.SESSION_PASSWORD);
      },
      bareSession: () => webCryptoSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE),
      bareSessionKeyed: () => webCryptoSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE, sessionKey),
      barePending: () => webCryptoIronUnseal(sealed, secrets.SESSION_PASSWORD),
      nodeBoth: () => {
        bareSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE);
        bareIronUnseal(sealed, secrets.SESSION_PASSWORD);
      },
      nodeSession: () => bareSessionDecrypt(sessionToken, secrets.AUTH_SECRET, SESSION_COOKIE),
      nodePending: () => bareIronUnseal(sealed, secrets.SESSION_PASSWORD),
      nodeSessionKeyed: () => bareSessionDecryptKeyed(sessionToken, nodeSessionKey),
    },
    options.rounds,
    options.sliceMs,
  );
  return {
    gate: { both: times["gate.both"]!, session: times["gate.session"]!, pending: times["gate.pending"]! },
    middleware: { both: times["middleware.both"]!, session: times["middleware.session"]!, pending: times["middleware.pending"]! },
    bare: { both: times.bareBoth!, session: times.bareSession!, pending: times.barePending! },
    bareSessionKeyed: times.bareSessionKeyed!,
    nodeBare: { both: times.nodeBoth!, session: times.nodeSession!, pending: times.nodePending! },
    nodeSessionKeyed: times.nodeSessionKeyed!,
    core: times.core!,
    edge: { session: times.edgeSession!, both: times.edgeBoth! },
    wrapper: times.wrapper!,
  };
}
