import { createCipheriv, createHmac, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import { base64url, calculateJwkThumbprint } from "jose";
import { decode, encode } from "next-auth/jwt";
import { sealData } from "iron-session";
import { describe, expect, it } from "vitest";
import { decideGate, decideGateFromCookies } from "@/lib/auth/gate";
import { decideGateForRequest } from "@/lib/auth/gate-request";
import { unsealIron } from "@/lib/iron-unseal";
import { encodeSessionToken, readSessionClaims } from "@/lib/auth/session-token";
import { equalBytes, nodePrimitives, webCryptoPrimitives } from "@/lib/edge-crypto";
import { portalCookies } from "@/lib/auth/portal-cookies";
import { sealPendingSignIn, unsealPendingSignIn } from "@/lib/two-factor/cookies";

const SECRET = "a-test-auth-secret-of-at-least-32-characters!";
const PASSWORD = "a-session-password-of-at-least-32-chars!";
const NAME = "authjs.session-token";
const jar = (cookies: Record<string, string>) => ({
  get: (name: string) => (name in cookies ? { value: cookies[name]! } : undefined),
  getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
});

/** A token sealed by hand with next-auth's key, so that its header can be anything and still carry a valid tag. */
function sealToken(header: Record<string, unknown> | string, payload: Record<string, unknown>, options: { ivInToken?: Buffer; encryptedKey?: string; tamper?: "tag" | "cipher" } = {}) {
  const key = Buffer.from(hkdfSync("sha256", SECRET, NAME, `Auth.js Generated Encryption Key (${NAME})`, 64));
  const protectedHeader = typeof header === "string" ? header : base64url.encode(JSON.stringify(header));
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key.subarray(32), iv);
  let ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload)), cipher.final()]);
  if (options.tamper === "cipher") ciphertext = Buffer.concat([ciphertext.subarray(0, -1), Buffer.from([ciphertext.at(-1)! ^ 1])]);
  const ivInToken = options.ivInToken ?? iv;
  const bits = Buffer.alloc(8);
  bits.writeBigUInt64BE(BigInt(protectedHeader.length * 8));
  const tag = createHmac("sha512", key.subarray(0, 32)).update(protectedHeader).update(ivInToken).update(ciphertext).update(bits).digest().subarray(0, 32);
  if (options.tamper === "tag") tag[0]! ^= 1;
  return [protectedHeader, options.encryptedKey ?? "", base64url.encode(ivInToken), base64url.encode(ciphertext), base64url.encode(tag)].join(".");
}

describe("the session token: node:crypto answers at once, WebCrypto with a promise, both the same", async () => {
  const key = hkdfSync("sha256", SECRET, NAME, `Auth.js Generated Encryption Key (${NAME})`, 64);
  const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(new Uint8Array(key)) }, "sha512");
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  const claims = { sub: "user-1", amr: ["pwd", "sms"], authTime: now - 1_000, iat: sec, exp: sec + 3600 };
  const ours = { alg: "dir", enc: "A256CBC-HS512", kid };
  const accepted: [string, string][] = [
    ["ours", await encodeSessionToken({ sub: "user-1", amr: ["pwd", "sms"], authTime: now - 1_000 }, SECRET, NAME, now, 3600)],
    ["next-auth's", await encode({ token: { sub: "user-1", amr: ["pwd", "sms"], authTime: now - 1_000 }, secret: SECRET, salt: NAME, maxAge: 3600 })],
    ["a header without kid", sealToken({ alg: "dir", enc: "A256CBC-HS512" }, claims)],
    ["the same header, keys in another order", sealToken({ kid, enc: "A256CBC-HS512", alg: "dir" }, claims)],
    ["a header with a typ", sealToken({ ...ours, typ: "JWT" }, claims)],
    ["expired within the 15 s tolerance", sealToken(ours, { ...claims, exp: sec - 10 })],
    ["nbf within the 15 s tolerance", sealToken(ours, { ...claims, nbf: sec + 10 })],
  ];
  const refused: [string, string][] = [
    ['alg "none", tag valid', sealToken({ ...ours, alg: "none" }, claims)],
    ["another kid, tag valid", sealToken({ ...ours, kid: `${kid.slice(0, -2)}AA` }, claims)],
    ["another enc", sealToken({ ...ours, enc: "A128CBC-HS256" }, claims)],
    ["zip", sealToken({ ...ours, zip: "DEF" }, claims)],
    ["crit", sealToken({ ...ours, crit: ["exp"] }, claims)],
    ["a header that is JSON null", sealToken(base64url.encode("null"), claims)],
    ["a header that is not JSON", sealToken(base64url.encode("{alg"), claims)],
    ["a header that is not base64url", sealToken("ey+J/", claims)],
    ["an encrypted key", sealToken(ours, claims, { encryptedKey: "AAAA" })],
    ["a 12-byte IV", sealToken(ours, claims, { ivInToken: randomBytes(12) })],
    ["a changed tag", sealToken(ours, claims, { tamper: "tag" })],
    ["a changed ciphertext", sealToken(ours, claims, { tamper: "cipher" })],
    ["expired beyond the tolerance", sealToken(ours, { ...claims, exp: sec - 16 })],
    ["nbf beyond the tolerance", sealToken(ours, { ...claims, nbf: sec + 16 })],
    ["signed in more than 24 hours ago", sealToken(ours, { ...claims, authTime: now - 86_400_001 })],
    ["no sub", sealToken(ours, { ...claims, sub: undefined })],
    ["four parts", sealToken(ours, claims).split(".").slice(1).join(".")],
  ];

  it("next-auth writes exactly the header the gate expects (so its tokens skip the header parse)", () => {
    expect(accepted[1]![1].split(".")[0]).toBe(accepted[0]![1].split(".")[0]);
    expect(accepted[0]![1].split(".")[0]).toBe(base64url.encode(JSON.stringify(ours)));
  });

  it.each(accepted)("accepts %s token, as next-auth does", async (_what, token) => {
    expect(await decode({ token, secret: SECRET, salt: NAME })).toMatchObject({ sub: "user-1" });
    await readSessionClaims(jar({ [NAME]: token }), SECRET, now); // the keys, derived once
    const onNode = readSessionClaims(jar({ [NAME]: token }), SECRET, now, nodePrimitives!);
    expect(onNode).not.toBeInstanceOf(Promise);
    expect(onNode).toEqual({ userId: "user-1", amr: ["pwd", "sms"], authTime: now - 1_000 });
    const onEdge = readSessionClaims(jar({ [NAME]: token }), SECRET, now, webCryptoPrimitives);
    expect(onEdge).toBeInstanceOf(Promise);
    expect(await onEdge).toEqual(onNode);
  });

  it.each(refused)("refuses %s on both", async (_what, token) => {
    await readSessionClaims(jar({ [NAME]: accepted[0]![1] }), SECRET, now);
    const onNode = readSessionClaims(jar({ [NAME]: token }), SECRET, now, nodePrimitives!);
    expect(onNode).not.toBeInstanceOf(Promise);
    expect(onNode).toBeNull();
    expect(await readSessionClaims(jar({ [NAME]: token }), SECRET, now, webCryptoPrimitives)).toBeNull();
  });

  it("answers with a promise while a secret's keys are first derived, then at once, the same answer", async () => {
    const secret = randomBytes(32).toString("base64url");
    const token = await encode({ token: { sub: "user-9", authTime: now - 1_000 }, secret, salt: NAME, maxAge: 3600 });
    const first = readSessionClaims(jar({ [NAME]: token }), secret, now);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ userId: "user-9" });
    expect(readSessionClaims(jar({ [NAME]: token }), secret, now)).toEqual(await first);
    expect(readSessionClaims(jar({ [NAME]: token }), `${secret}x`, now)).toBeInstanceOf(Promise);
  });

  it("takes a whole cookie before chunks, the __Secure- name first", async () => {
    const secure = "__Secure-authjs.session-token";
    const secureToken = await encodeSessionToken({ sub: "user-s", authTime: now - 1_000 }, SECRET, secure, now, 3600);
    await readSessionClaims(jar({ [secure]: secureToken }), SECRET, now);
    expect(readSessionClaims(jar({ [NAME]: accepted[0]![1], [secure]: secureToken }), SECRET, now)).toMatchObject({ userId: "user-s" });
    expect(readSessionClaims(jar({ [NAME]: accepted[0]![1], [`${secure}.0`]: secureToken }), SECRET, now)).toMatchObject({ userId: "user-1" });
  });
});

describe("the pending sign-in seal: node:crypto answers at once, WebCrypto with a promise, both the same", () => {
  it("for a good seal, a tampered one, and one under another password", async () => {
    const payload = { userId: "u-1", nonce: "n".repeat(43), stage: "challenge", createdAt: Date.now(), returnTo: "/" } as const;
    const sealed = await sealData(payload, { password: PASSWORD, ttl: 600 });
    const parts = sealed.split("*");
    parts[4] = `${parts[4]!.slice(0, 8)}${parts[4]![8] === "A" ? "B" : "A"}${parts[4]!.slice(9)}`;
    const tampered = parts.join("*");
    for (const [candidate, password, expected] of [
      [sealed, PASSWORD, payload],
      [tampered, PASSWORD, null],
      [sealed, `${PASSWORD}-other`, null],
    ] as const) {
      const onNode = unsealIron(candidate, password, Date.now(), nodePrimitives!);
      expect(onNode).not.toBeInstanceOf(Promise);
      expect(onNode).toEqual(expected);
      const onEdge = unsealIron(candidate, password, Date.now(), webCryptoPrimitives);
      expect(onEdge).toBeInstanceOf(Promise);
      expect(await onEdge).toEqual(expected);
      expect(unsealPendingSignIn(candidate, password, Date.now())).toEqual(expected);
    }
  });
});

describe("the middleware's decision for a request", async () => {
  const now = Date.now();
  const session = await encodeSessionToken({ sub: "user-1", amr: ["pwd", "sms"], authTime: now - 1_000 }, SECRET, NAME, now, 3600);
  const pending = await sealPendingSignIn({ userId: "user-1", nonce: randomUUID(), stage: "challenge", createdAt: now, returnTo: "/" }, PASSWORD);
  const env = { AUTH_SECRET: SECRET, SESSION_PASSWORD: PASSWORD };
  const cookieStates = {
    none: {},
    session: { [NAME]: session },
    pending: { [portalCookies.pendingSignIn.name]: pending },
    both: { [NAME]: session, [portalCookies.pendingSignIn.name]: pending },
    tampered: { [NAME]: `${session.slice(0, -3)}${session.endsWith("AAA") ? "BBB" : "AAA"}`, [portalCookies.pendingSignIn.name]: `${pending.slice(0, 30)}x${pending.slice(31)}` },
  };

  it("is decideGate's over the cookies' validity, for every path, and a value, not a promise, on Node", async () => {
    await readSessionClaims(jar({ [NAME]: session }), SECRET, now);
    for (const pathname of ["/", "/account-settings", "/api/members", "/sign-in", "/sign-in-x", "/api/auth/session", "/two-factor", "/two-factor/challenge"]) {
      for (const [state, cookies] of Object.entries(cookieStates)) {
        const decision = decideGateForRequest({ pathname, search: "?a=1", cookies: jar(cookies) }, env, now);
        expect(decision, `${pathname} ${state}`).not.toBeInstanceOf(Promise);
        const hasSession = state === "session" || state === "both";
        const hasPendingSignIn = state === "pending" || state === "both";
        expect(decision, `${pathname} ${state}`).toEqual(decideGate({ pathname, search: "?a=1", isApi: pathname.startsWith("/api/"), hasSession, hasPendingSignIn }));
      }
    }
  });

  it("reads no pending sign-in with a session password shorter than 32 characters, and no session without a secret", () => {
    const cookies = jar(cookieStates.both);
    expect(decideGateForRequest({ pathname: "/two-factor", search: "", cookies }, { ...env, SESSION_PASSWORD: "short" }, now)).toEqual({ action: "redirect", to: "/" });
    expect(decideGateForRequest({ pathname: "/", search: "", cookies }, { SESSION_PASSWORD: PASSWORD }, now)).toEqual({ action: "redirect", to: "/two-factor" });
  });
});

describe("decideGateFromCookies with readers that answer at once or later", () => {
  // A thenable that is not this realm's Promise must be waited for, never taken for a truthy answer.
  const later = (value: boolean) => ({ then: (resolve: (v: boolean) => void) => resolve(value) }) as unknown as Promise<boolean>;

  it("decides the same either way, and at once when the readers do", async () => {
    const route = { pathname: "/account-settings", search: "", isApi: false };
    for (const [hasSession, hasPendingSignIn] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const expected = decideGate({ ...route, hasSession, hasPendingSignIn });
      const now = decideGateFromCookies(route, { hasSession: () => hasSession, hasPendingSignIn: () => hasPendingSignIn });
      expect(now).not.toBeInstanceOf(Promise);
      expect(now).toEqual(expected);
      expect(await decideGateFromCookies(route, { hasSession: () => later(hasSession), hasPendingSignIn: () => later(hasPendingSignIn) })).toEqual(expected);
      expect(await decideGateFromCookies({ ...route, pathname: "/two-factor" }, { hasSession: () => later(hasSession), hasPendingSignIn: () => hasPendingSignIn })).toEqual(
        decideGate({ ...route, pathname: "/two-factor", hasSession, hasPendingSignIn }),
      );
    }
  });
});

describe("equalBytes", () => {
  it("is equality of contents, refusing another length", () => {
    expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(equalBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
