import { base64url, calculateJwkThumbprint } from "jose";
import { cryptoPrimitives, equalBytes, fromBase64url, isPromiseLike, type CryptoPrimitives, type MaybePromise, type SyncCryptoPrimitives } from "../edge-crypto";
import { SESSION_MAX_AGE_SECONDS } from "./config.edge";

/** next-auth's session cookie names: `__Secure-` when it was set over https. */
export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export interface SessionClaims {
  userId: string;
  amr: string[];
  /** ms since epoch when the session was issued */
  authTime: number;
}

export interface CookieJar {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/** The cookie's value and its name (next-auth salts the key with the name); chunks joined. */
export function sessionCookieOf(cookies: CookieJar): { name: string; value: string } | null {
  for (const name of SESSION_COOKIE_NAMES) {
    const whole = cookies.get(name)?.value;
    if (whole) return { name, value: whole };
  }
  // next-auth splits a cookie only when it is too large for one, which ours never are.
  for (const name of SESSION_COOKIE_NAMES) {
    const chunks = cookies
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
    if (chunks.length > 0) return { name, value: chunks.map((c) => c.value).join("") };
  }
  return null;
}

interface TokenKeys {
  /** JWK thumbprint of the derived key: next-auth's "kid" */
  kid: string;
  mac: Uint8Array;
  aes: Uint8Array;
  /** The protected header next-auth and encodeSessionToken write with this key, as sent, and its AAD length block. */
  header: string;
  headerBits: Uint8Array;
}

// next-auth derives the token key from AUTH_SECRET with HKDF for every token; the result only
// depends on the secret and the salt (the cookie name), so it is derived once.
// Each entry is the derivation in flight, then its result (no promise to await on every request).
const tokenKeys = new Map<string, Map<string, TokenKeys | Promise<TokenKeys>>>();
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const subtle = () => globalThis.crypto.subtle;

async function deriveTokenKeys(secret: string, salt: string): Promise<TokenKeys> {
  const material = await subtle().importKey("raw", utf8.encode(secret), "HKDF", false, ["deriveBits"]);
  const info = utf8.encode(`Auth.js Generated Encryption Key (${salt})`);
  const key = new Uint8Array(await subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt: utf8.encode(salt), info }, material, 512));
  const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, "sha512");
  // A256CBC-HS512 (RFC 7518 5.2.5): the first half authenticates, the second half encrypts.
  const header = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256CBC-HS512", kid }));
  const keys = { kid, mac: key.slice(0, 32), aes: key.slice(32), header, headerBits: aadBits(header) };
  cryptoPrimitives.retainKey(keys.mac);
  cryptoPrimitives.retainKey(keys.aes);
  return keys;
}

// By salt (one of two names), then secret: no key string to build per request.
function keysFor(secret: string, salt: string): TokenKeys | Promise<TokenKeys> {
  let bySecret = tokenKeys.get(salt);
  if (!bySecret) tokenKeys.set(salt, (bySecret = new Map()));
  let entry = bySecret.get(secret);
  if (!entry) {
    if (bySecret.size > 16) bySecret.clear();
    const deriving = deriveTokenKeys(secret, salt);
    const forSalt = bySecret;
    deriving.then((keys) => forSalt.set(secret, keys), () => forSalt.delete(secret));
    bySecret.set(secret, (entry = deriving));
  }
  return entry;
}

/** A256CBC-HS512's tag (RFC 7518 5.2.2.1): HMAC-SHA-512 over AAD, IV, ciphertext and AAD length, first half. */
async function authenticationTag(
  primitives: CryptoPrimitives,
  keys: TokenKeys,
  protectedHeader: string,
  iv: Uint8Array,
  cipher: Uint8Array,
): Promise<Uint8Array> {
  const aad = utf8.encode(protectedHeader);
  const macInput = new Uint8Array(aad.length + iv.length + cipher.length + 8);
  macInput.set(aad, 0);
  macInput.set(iv, aad.length);
  macInput.set(cipher, aad.length + iv.length);
  new DataView(macInput.buffer).setBigUint64(macInput.length - 8, BigInt(aad.length * 8));
  return (await primitives.hmac("SHA-512", keys.mac, macInput)).subarray(0, 32);
}

/** The AAD's length in bits, 64-bit big-endian. The header is base64url (ASCII): its length is its AAD's. */
function aadBits(protectedHeader: string): Uint8Array {
  const bits = new Uint8Array(8);
  new DataView(bits.buffer).setBigUint64(0, BigInt(protectedHeader.length * 8));
  return bits;
}

/** The same tag, each part fed to the HMAC as it is. */
function authenticationTagSync(sync: SyncCryptoPrimitives, keys: TokenKeys, protectedHeader: string, iv: Uint8Array, cipher: Uint8Array): Uint8Array {
  const bits = protectedHeader === keys.header ? keys.headerBits : aadBits(protectedHeader);
  return sync.hmac("SHA-512", keys.mac, [protectedHeader, iv, cipher, bits]).subarray(0, 32);
}

/**
 * Encodes claims as next-auth does (its `encode`: the JWE above, with iat, exp and a random jti),
 * with the keys derived once instead of for every token.
 */
export async function encodeSessionToken(
  claims: Record<string, unknown>,
  secret: string,
  salt: string,
  nowMs: number,
  maxAgeSeconds: number,
  primitives: CryptoPrimitives = cryptoPrimitives,
): Promise<string> {
  const keys = await keysFor(secret, salt);
  const protectedHeader = keys.header;
  const iat = Math.floor(nowMs / 1000);
  const payload = utf8.encode(JSON.stringify({ ...claims, iat, exp: iat + maxAgeSeconds, jti: crypto.randomUUID() }));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const cipher = await primitives.aesCbcEncrypt(keys.aes, iv, payload);
  const tag = await authenticationTag(primitives, keys, protectedHeader, iv, cipher);
  return [protectedHeader, "", base64url.encode(iv), base64url.encode(cipher), base64url.encode(tag)].join(".");
}

interface SealedToken {
  protectedHeader: string;
  iv: Uint8Array;
  cipher: Uint8Array;
  tag: Uint8Array;
}

/** The compact JWE's parts, or null when its header is not exactly what next-auth writes with these keys' rules. */
function sealedToken(token: string, keys: TokenKeys): SealedToken | null {
  const parts = token.split(".");
  if (parts.length !== 5) return null;
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  if (encryptedKey !== "") return null;
  // The header every token of ours carries needs no parse; any other is parsed and checked in full.
  if (protectedHeader !== keys.header) {
    const header = JSON.parse(fromUtf8.decode(fromBase64url(protectedHeader))) as Record<string, unknown>;
    if (header.alg !== "dir" || header.enc !== "A256CBC-HS512" || header.zip !== undefined || header.crit !== undefined) return null;
    if (header.kid !== undefined && header.kid !== keys.kid) return null;
  }
  const ivBytes = fromBase64url(iv);
  if (ivBytes.length !== 16) return null;
  return { protectedHeader, iv: ivBytes, cipher: fromBase64url(ciphertext), tag: fromBase64url(tag) };
}

function checkedPayload(plain: Uint8Array, nowMs: number): Record<string, unknown> | null {
  const payload = JSON.parse(fromUtf8.decode(plain)) as Record<string, unknown>;
  if (typeof payload !== "object" || payload === null) return null;
  if (typeof payload.exp !== "number" || payload.exp * 1000 <= nowMs - 15_000) return null;
  if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf * 1000 > nowMs + 15_000)) return null;
  return payload;
}

/**
 * next-auth's session JWE (alg "dir", enc "A256CBC-HS512", kid = key thumbprint), decrypted with
 * keys imported once: the tag is checked in constant time before anything is decrypted, and the
 * expiry with next-auth's 15 s tolerance. Anything else is refused. Synchronous with node:crypto
 * once the keys are derived; throws on a malformed token.
 */
function decodeWithKeys(token: string, keys: TokenKeys, nowMs: number, primitives: CryptoPrimitives): MaybePromise<Record<string, unknown> | null> {
  const sealed = sealedToken(token, keys);
  if (!sealed) return null;
  const { protectedHeader, iv, cipher, tag } = sealed;
  const sync = primitives.sync;
  if (sync) {
    if (!equalBytes(authenticationTagSync(sync, keys, protectedHeader, iv, cipher), tag)) return null;
    return checkedPayload(sync.aesCbcDecrypt(keys.aes, iv, cipher), nowMs);
  }
  return (async () => {
    if (!equalBytes(await authenticationTag(primitives, keys, protectedHeader, iv, cipher), tag)) return null;
    return checkedPayload(await primitives.aesCbcDecrypt(keys.aes, iv, cipher), nowMs);
  })();
}

/** Whether a session issued at `authTime` is still within its fixed lifetime (no sliding). */
export function isWithinSessionLifetime(authTime: number, nowMs: number, maxAgeSeconds = SESSION_MAX_AGE_SECONDS): boolean {
  return authTime > 0 && authTime <= nowMs + 60_000 && nowMs - authTime < maxAgeSeconds * 1000;
}

function claimsOf(token: Record<string, unknown> | null, nowMs: number): SessionClaims | null {
  if (!token || typeof token.sub !== "string" || !token.sub) return null;
  const authTime = typeof token.authTime === "number" ? token.authTime : 0;
  if (!isWithinSessionLifetime(authTime, nowMs)) return null;
  const amr = Array.isArray(token.amr) ? token.amr.filter((m): m is string => typeof m === "string") : [];
  return { userId: token.sub, amr, authTime };
}

/**
 * Decodes next-auth's session cookie (the JWE and its expiry) and nothing more. Unlike `auth()`
 * it does not encode a refreshed cookie, which would cost a second encryption per request and let
 * a session outlive its 24 hours by sliding. Edge-safe. A value, not a promise, with node:crypto
 * once the keys are derived.
 */
export function readSessionClaims(
  cookies: CookieJar,
  secret: string | undefined,
  nowMs: number,
  primitives: CryptoPrimitives = cryptoPrimitives,
): MaybePromise<SessionClaims | null> {
  const cookie = sessionCookieOf(cookies);
  if (!cookie || !secret) return null;
  try {
    const keys = keysFor(secret, cookie.name);
    const decoded = isPromiseLike(keys) ? keys.then((k) => decodeWithKeys(cookie.value, k, nowMs, primitives)) : decodeWithKeys(cookie.value, keys, nowMs, primitives);
    return isPromiseLike(decoded) ? Promise.resolve(decoded).then((token) => claimsOf(token, nowMs), () => null) : claimsOf(decoded, nowMs);
  } catch {
    return null;
  }
}
