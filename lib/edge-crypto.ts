/**
 * The few primitives the session and pending sign-in cookies need. Edge-safe: on Node (pages,
 * actions, and the middleware, which runs on the Node runtime) they are node:crypto's synchronous
 * functions, reached through `process.getBuiltinModule` so no bundler pulls node:crypto into an
 * edge build; elsewhere WebCrypto. Each WebCrypto call is an asynchronous job on the thread
 * pool, which is most of what a cookie check costs under load.
 */
export interface CryptoPrimitives {
  readonly name: "node:crypto" | "WebCrypto";
  hmac(hash: "SHA-256" | "SHA-512", key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** Throws on a bad key, IV or padding. */
  aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  pbkdf2Sha1(password: Uint8Array, salt: Uint8Array, iterations: number, bytes: number): Promise<Uint8Array>;
}

type NodeCrypto = typeof import("node:crypto");

const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:crypto") as
  | NodeCrypto
  | undefined;

const aesName = (key: Uint8Array) => `aes-${key.length * 8}-cbc`;

export const nodePrimitives: CryptoPrimitives | null = nodeCrypto
  ? {
      name: "node:crypto",
      hmac: async (hash, key, data) => nodeCrypto.createHmac(hash === "SHA-256" ? "sha256" : "sha512", key).update(data).digest(),
      aesCbcDecrypt: async (key, iv, data) => {
        const decipher = nodeCrypto.createDecipheriv(aesName(key), key, iv);
        return Buffer.concat([decipher.update(data), decipher.final()]);
      },
      aesCbcEncrypt: async (key, iv, data) => {
        const cipher = nodeCrypto.createCipheriv(aesName(key), key, iv);
        return Buffer.concat([cipher.update(data), cipher.final()]);
      },
      pbkdf2Sha1: async (password, salt, iterations, bytes) => nodeCrypto.pbkdf2Sync(password, salt, iterations, bytes, "sha1"),
    }
  : null;

const ab = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;
const subtle = () => globalThis.crypto.subtle;
// Long-lived keys (the session's) are imported once; per-cookie keys are collected with their bytes.
const imported = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function importOnce(key: Uint8Array, algorithm: HmacImportParams | "AES-CBC", usage: KeyUsage): Promise<CryptoKey> {
  let entry = imported.get(key);
  if (!entry) {
    entry = subtle().importKey("raw", ab(key), algorithm, false, [usage]);
    imported.set(key, entry);
  }
  return entry;
}

export const webCryptoPrimitives: CryptoPrimitives = {
  name: "WebCrypto",
  hmac: async (hash, key, data) => new Uint8Array(await subtle().sign("HMAC", await importOnce(key, { name: "HMAC", hash }, "sign"), ab(data))),
  aesCbcDecrypt: async (key, iv, data) => new Uint8Array(await subtle().decrypt({ name: "AES-CBC", iv: ab(iv) }, await importOnce(key, "AES-CBC", "decrypt"), ab(data))),
  aesCbcEncrypt: async (key, iv, data) => new Uint8Array(await subtle().encrypt({ name: "AES-CBC", iv: ab(iv) }, await importOnce(key, "AES-CBC", "encrypt"), ab(data))),
  pbkdf2Sha1: async (password, salt, iterations, bytes) => {
    const base = await subtle().importKey("raw", ab(password), "PBKDF2", false, ["deriveBits"]);
    return new Uint8Array(await subtle().deriveBits({ name: "PBKDF2", salt: ab(salt), iterations, hash: "SHA-1" }, base, bytes * 8));
  },
};

/** node:crypto where the runtime has it, WebCrypto otherwise. */
export const cryptoPrimitives: CryptoPrimitives = nodePrimitives ?? webCryptoPrimitives;

/** Constant-time comparison of two byte strings (their lengths are not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
