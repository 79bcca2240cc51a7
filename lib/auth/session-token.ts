import { base64url, calculateJwkThumbprint } from "jose";
import { cryptoPrimitives, equalBytes, fromBase64url, type CryptoPrimitives } from "../edge-crypto";
import { SESSION_MAX_AGE_SECONDS } from "./config.edge";

/** next-auth's session cookie names: `__Secure-` when it was set over https. */
export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export interface SessionClaims {
  userId: string;
  amr: string[];
  /** ms since epoch when the session was issued */
  authTime: number;
}

interface CookieJar {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/** The cookie's value and its name (next-auth salts the key with the name); chunks joined. */
function sessionCookieOf(cookies: CookieJar): { name: string; value: string } | null {
  for (const name of SESSION_COOKIE_NAMES) {
    const whole = cookies.get(name)?.value;
    if (whole) return { name, value: whole };
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
}

// next-auth derives the token key from AUTH_SECRET with HKDF for every token; the result only
// depends on the secret and the salt (the cookie name), so it is derived once.
// Each entry is the derivation in flight, then its result (no promise to await on every request).
const tokenKeys = new Map<string, TokenKeys | Promise<TokenKeys>>();
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const subtle = () => globalThis.crypto.subtle;

async function deriveTokenKeys(secret: string, salt: string): Promise<TokenKeys> {
  const material = await subtle().importKey("raw", utf8.encode(secret), "HKDF", false, ["deriveBits"]);
  const info = utf8.encode(`Auth.js Generated Encryption Key (${salt})`);
  const key = new Uint8Array(await subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt: utf8.encode(salt), info }, material, 512));
  const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, "sha512");
  // A256CBC-HS512 (RFC 7518 5.2.5): the first half authenticates, the second half encrypts.
  const keys = { kid, mac: key.slice(0, 32), aes: key.slice(32) };
  cryptoPrimitives.retainKey(keys.mac);
  cryptoPrimitives.retainKey(keys.aes);
  return keys;
}

function keysFor(secret: string, salt: string): TokenKeys | Promise<TokenKeys> {
  const id = `${salt}\u0000${secret}`;
  let entry = tokenKeys.get(id);
  if (!entry) {
    if (tokenKeys.size > 16) tokenKeys.clear();
    const deriving = deriveTokenKeys(secret, salt);
    deriving.then((keys) => tokenKeys.set(id, keys), () => tokenKeys.delete(id));
    tokenKeys.set(id, (entry = deriving));
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
  const protectedHeader = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256CBC-HS512", kid: keys.kid }));
  const iat = Math.floor(nowMs / 1000);
  const payload = utf8.encode(JSON.stringify({ ...claims, iat, exp: iat + maxAgeSeconds, jti: crypto.randomUUID() }));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const cipher = await primitives.aesCbcEncrypt(keys.aes, iv, payload);
  const tag = await authenticationTag(primitives, keys, protectedHeader, iv, cipher);
  return [protectedHeader, "", base64url.encode(iv), base64url.encode(cipher), base64url.encode(tag)].join(".");
}

/**
 * next-auth's session JWE (alg "dir", enc "A256CBC-HS512", kid = key thumbprint), decrypted with
 * keys imported once: the tag is checked in constant time before anything is decrypted, and the
 * expiry with next-auth's 15 s tolerance. Anything else is refused.
 */
async function decodeSessionToken(
  token: string,
  secret: string,
  salt: string,
  nowMs: number,
  primitives: CryptoPrimitives,
): Promise<Record<string, unknown> | null> {
  const parts = token.split(".");
  if (parts.length !== 5) return null;
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const header = JSON.parse(fromUtf8.decode(fromBase64url(protectedHeader))) as Record<string, unknown>;
  if (header.alg !== "dir" || header.enc !== "A256CBC-HS512" || header.zip !== undefined || header.crit !== undefined || encryptedKey !== "") return null;
  const found = keysFor(secret, salt);
  const keys = found instanceof Promise ? await found : found;
  if (header.kid !== undefined && header.kid !== keys.kid) return null;
  const ivBytes = fromBase64url(iv);
  const cipherBytes = fromBase64url(ciphertext);
  if (ivBytes.length !== 16) return null;
  if (!equalBytes(await authenticationTag(primitives, keys, protectedHeader, ivBytes, cipherBytes), fromBase64url(tag))) return null;
  const plain = await primitives.aesCbcDecrypt(keys.aes, ivBytes, cipherBytes);
  const payload = JSON.parse(fromUtf8.decode(plain)) as Record<string, unknown>;
  if (typeof payload !== "object" || payload === null) return null;
  if (typeof payload.exp !== "number" || payload.exp * 1000 <= nowMs - 15_000) return null;
  if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf * 1000 > nowMs + 15_000)) return null;
  return payload;
}

/** Whether a session issued at `authTime` is still within its fixed lifetime (no sliding). */
export function isWithinSessionLifetime(authTime: number, nowMs: number, maxAgeSeconds = SESSION_MAX_AGE_SECONDS): boolean {
  return authTime > 0 && authTime <= nowMs + 60_000 && nowMs - authTime < maxAgeSeconds * 1000;
}

/**
 * Decodes next-auth's session cookie (the JWE and its expiry) and nothing more. Unlike `auth()`
 * it does not encode a refreshed cookie, which would cost a second encryption per request and let
 * a session outlive its 24 hours by sliding. Edge-safe.
 */
export async function readSessionClaims(
  cookies: CookieJar,
  secret: string | undefined,
  nowMs: number,
  primitives: CryptoPrimitives = cryptoPrimitives,
): Promise<SessionClaims | null> {
  const cookie = sessionCookieOf(cookies);
  if (!cookie || !secret) return null;
  try {
    const token = await decodeSessionToken(cookie.value, secret, cookie.name, nowMs, primitives);
    if (!token || typeof token.sub !== "string" || !token.sub) return null;
    const authTime = typeof token.authTime === "number" ? token.authTime : 0;
    if (!isWithinSessionLifetime(authTime, nowMs)) return null;
    const amr = Array.isArray(token.amr) ? token.amr.filter((m): m is string => typeof m === "string") : [];
    return { userId: token.sub, amr, authTime };
  } catch {
    return null;
  }
}
