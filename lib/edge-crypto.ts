import { base64url } from "jose";

/**
 * The few primitives the session and pending sign-in cookies need. Edge-safe: on Node (pages,
 * actions, and the middleware, which runs on the Node runtime by default) they are node:crypto's synchronous
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
  /** For a key used many times (the session token's): prepared once, not at every operation. */
  retainKey(key: Uint8Array): void;
  /** The same operations without a promise, where the runtime has them (node:crypto). */
  readonly sync?: SyncCryptoPrimitives;
}

/** Strings are UTF-8. */
export type Bytes = Uint8Array | string;

export interface SyncCryptoPrimitives {
  /** The HMAC of the parts concatenated, without copying them into one buffer. */
  hmac(hash: "SHA-256" | "SHA-512", key: Uint8Array, parts: readonly Bytes[]): Uint8Array;
  /** Throws on a bad key, IV or padding. */
  aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  pbkdf2Sha1(password: Bytes, salt: Bytes, iterations: number, bytes: number): Uint8Array;
}

/** A value, or a promise of it when it had to wait for WebCrypto or a first key derivation. */
export type MaybePromise<T> = T | Promise<T>;

/** Any thenable, a promise of another realm included: never to be mistaken for a (truthy) value. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** `then` without a microtask when the value is already there. */
export function andThen<T, U>(value: T | PromiseLike<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}

type NodeCrypto = typeof import("node:crypto");

/**
 * node:crypto, or undefined on the edge runtime. Next.js's edge sandbox has a `process` whose
 * functions all throw when called ("A Node.js API is used … not supported in the Edge Runtime"),
 * so the sandbox's own global `EdgeRuntime` is asked first: calling it there would fail every
 * request the middleware sees (the e2e project pglite-edge runs that build).
 */
function loadNodeCrypto(): NodeCrypto | undefined {
  const global = globalThis as { EdgeRuntime?: unknown; process?: { getBuiltinModule?: (id: string) => unknown } };
  if (typeof global.EdgeRuntime === "string") return undefined;
  return global.process?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
}

const nodeCrypto = loadNodeCrypto();

const aesName = (key: Uint8Array) => `aes-${key.length * 8}-cbc`;

function nodeCryptoPrimitives(node: NodeCrypto): CryptoPrimitives {
  // A KeyObject makes each operation about 4 times cheaper than raw key bytes, which node:crypto
  // checks and converts at every call.
  const retained = new WeakMap<Uint8Array, import("node:crypto").KeyObject>();
  const keyOf = (key: Uint8Array) => retained.get(key) ?? node.createSecretKey(key);
  const sync: SyncCryptoPrimitives = {
    hmac: (hash, key, parts) => {
      const mac = node.createHmac(hash === "SHA-256" ? "sha256" : "sha512", keyOf(key));
      for (const part of parts) mac.update(part);
      return mac.digest();
    },
    aesCbcDecrypt: (key, iv, data) => {
      const decipher = node.createDecipheriv(aesName(key), keyOf(key), iv);
      return Buffer.concat([decipher.update(data), decipher.final()]);
    },
    pbkdf2Sha1: (password, salt, iterations, bytes) => node.pbkdf2Sync(password, salt, iterations, bytes, "sha1"),
  };
  return {
    name: "node:crypto",
    hmac: async (hash, key, data) => sync.hmac(hash, key, [data]),
    aesCbcDecrypt: async (key, iv, data) => sync.aesCbcDecrypt(key, iv, data),
    aesCbcEncrypt: async (key, iv, data) => {
      const cipher = node.createCipheriv(aesName(key), keyOf(key), iv);
      return Buffer.concat([cipher.update(data), cipher.final()]);
    },
    pbkdf2Sha1: async (password, salt, iterations, bytes) => sync.pbkdf2Sha1(password, salt, iterations, bytes),
    retainKey: (key) => void retained.set(key, node.createSecretKey(key)),
    sync,
  };
}

export const nodePrimitives: CryptoPrimitives | null = nodeCrypto ? nodeCryptoPrimitives(nodeCrypto) : null;

const ab = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;
const subtle = () => globalThis.crypto.subtle;
// Long-lived keys (the session's) are imported once per algorithm; per-cookie keys are collected
// with their bytes.
const imported = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>();
function importOnce(key: Uint8Array, algorithm: HmacImportParams | "AES-CBC"): Promise<CryptoKey> {
  const id = typeof algorithm === "string" ? algorithm : `HMAC/${String(algorithm.hash)}`;
  let forKey = imported.get(key);
  if (!forKey) imported.set(key, (forKey = new Map()));
  let entry = forKey.get(id);
  if (!entry) {
    const usages: KeyUsage[] = algorithm === "AES-CBC" ? ["encrypt", "decrypt"] : ["sign"];
    entry = subtle().importKey("raw", ab(key), algorithm, false, usages);
    forKey.set(id, entry);
  }
  return entry;
}

export const webCryptoPrimitives: CryptoPrimitives = {
  name: "WebCrypto",
  hmac: async (hash, key, data) => new Uint8Array(await subtle().sign("HMAC", await importOnce(key, { name: "HMAC", hash }), ab(data))),
  aesCbcDecrypt: async (key, iv, data) => new Uint8Array(await subtle().decrypt({ name: "AES-CBC", iv: ab(iv) }, await importOnce(key, "AES-CBC"), ab(data))),
  aesCbcEncrypt: async (key, iv, data) => new Uint8Array(await subtle().encrypt({ name: "AES-CBC", iv: ab(iv) }, await importOnce(key, "AES-CBC"), ab(data))),
  pbkdf2Sha1: async (password, salt, iterations, bytes) => {
    const base = await subtle().importKey("raw", ab(password), "PBKDF2", false, ["deriveBits"]);
    return new Uint8Array(await subtle().deriveBits({ name: "PBKDF2", salt: ab(salt), iterations, hash: "SHA-1" }, base, bytes * 8));
  },
  // Every key is imported once already (importOnce).
  retainKey: () => {},
};

/** node:crypto where the runtime has it, WebCrypto otherwise. */
export const cryptoPrimitives: CryptoPrimitives = nodePrimitives ?? webCryptoPrimitives;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes unpadded base64url (Buffer's decoder on Node, several times faster than a portable one). Throws on other characters. */
export function fromBase64url(text: string): Uint8Array {
  if (!BASE64URL.test(text)) throw new TypeError("not base64url");
  return nodeCrypto ? Buffer.from(text, "base64url") : base64url.decode(text);
}

/** Constant-time comparison of two byte strings (their lengths are not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (nodeCrypto) return nodeCrypto.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
