import { cryptoPrimitives, equalBytes, fromBase64url, type CryptoPrimitives, type MaybePromise } from "./edge-crypto";

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });
/** iron-session seals with the password under id "1" and a 60 s clock skew allowance. */
const PASSWORD_ID = "1";
const SKEW_MS = 60_000;
const KEY_BYTES = 32;

/**
 * Reads what iron-session's `sealData` wrote (iron "Fe26.2": HMAC-SHA-256 over the seal, then
 * AES-256-CBC, each key PBKDF2-SHA-1 of the password with its own salt), and nothing else: the
 * same checks as iron-session's `unsealData`, in the same order, with the primitives of
 * lib/edge-crypto.ts. Null for anything that is not a valid, unexpired seal under this password.
 * Sealing stays with iron-session. A value, not a promise, with node:crypto.
 */
export function unsealIron(sealed: string, password: string, nowMs: number, primitives: CryptoPrimitives = cryptoPrimitives): MaybePromise<unknown> {
  if (password.length < 32) return null;
  // iron-session's "~2" version marker is outside the HMAC: stripped and ignored, as it does.
  const marker = sealed.indexOf("~");
  const parts = (marker === -1 ? sealed : sealed.slice(0, marker)).split("*");
  if (parts.length !== 8) return null;
  const [prefix, passwordId, encryptionSalt, iv, encrypted, expiration, hmacSalt, hmac] = parts as [string, string, string, string, string, string, string, string];
  if (prefix !== "Fe26.2" || passwordId !== PASSWORD_ID) return null;
  if (expiration) {
    if (!/^[1-9]\d*$/.test(expiration) || Number.parseInt(expiration, 10) <= nowMs - SKEW_MS) return null;
  }
  const macBase = parts.slice(0, 6).join("*");
  const sync = primitives.sync;
  try {
    if (sync) {
      const macKey = sync.pbkdf2Sha1(password, hmacSalt, 1, KEY_BYTES);
      if (!equalBytes(sync.hmac("SHA-256", macKey, [macBase]), fromBase64url(hmac))) return null;
      const key = sync.pbkdf2Sha1(password, encryptionSalt, 1, KEY_BYTES);
      return JSON.parse(fromUtf8.decode(sync.aesCbcDecrypt(key, fromBase64url(iv), fromBase64url(encrypted)))) as unknown;
    }
  } catch {
    return null;
  }
  return (async () => {
    const secret = utf8.encode(password);
    const macKey = await primitives.pbkdf2Sha1(secret, utf8.encode(hmacSalt), 1, KEY_BYTES);
    if (!equalBytes(await primitives.hmac("SHA-256", macKey, utf8.encode(macBase)), fromBase64url(hmac))) return null;
    const key = await primitives.pbkdf2Sha1(secret, utf8.encode(encryptionSalt), 1, KEY_BYTES);
    const plain = await primitives.aesCbcDecrypt(key, fromBase64url(iv), fromBase64url(encrypted));
    return JSON.parse(fromUtf8.decode(plain)) as unknown;
  })().catch(() => null);
}
