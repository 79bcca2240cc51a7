import { decode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/config.edge";
import { sessionTokenFor, usesSecureCookies } from "@/lib/auth/session-cookie";
import { encodeSessionToken, readSessionClaims } from "@/lib/auth/session-token";
import { nodePrimitives, webCryptoPrimitives } from "@/lib/edge-crypto";

const SECRET = "a-test-auth-secret-of-at-least-32-characters!";

describe("the session this app starts is next-auth's own", () => {
  it("next-auth decodes it with the cookie's name as salt, holding the user, the methods used and the sign-in time", async () => {
    const authTime = Date.now();
    const token = await sessionTokenFor({ userId: "user-1", amr: ["pwd", "sms"], authTime }, SECRET, "authjs.session-token");
    const claims = await decode({ token, secret: SECRET, salt: "authjs.session-token" });
    expect(claims).toMatchObject({ sub: "user-1", amr: ["pwd", "sms"], authTime });
    expect(claims!.exp! - claims!.iat!).toBe(SESSION_MAX_AGE_SECONDS);
    expect(typeof claims!.jti).toBe("string");
    // A fresh IV and jti each time: two sessions of the same claims share nothing an observer could match.
    const again = await sessionTokenFor({ userId: "user-1", amr: ["pwd", "sms"], authTime }, SECRET, "authjs.session-token");
    expect(again.split(".")[2]).not.toBe(token.split(".")[2]);
    expect((await decode({ token: again, secret: SECRET, salt: "authjs.session-token" }))!.jti).not.toBe(claims!.jti);
    // Salted with the name: the same token under the other cookie name is not a session.
    await expect(decode({ token, secret: SECRET, salt: "__Secure-authjs.session-token" })).rejects.toThrow();
  });

  it("the server-side check reads it, and refuses it under another secret", async () => {
    const authTime = Date.now();
    const name = "__Secure-authjs.session-token";
    const token = await sessionTokenFor({ userId: "user-2", amr: ["pwd"], authTime }, SECRET, name);
    const jar = { get: (n: string) => (n === name ? { value: token } : undefined), getAll: () => [{ name, value: token }] };
    expect(await readSessionClaims(jar, SECRET, Date.now())).toEqual({ userId: "user-2", amr: ["pwd"], authTime });
    expect(await readSessionClaims(jar, `${SECRET}-other`, Date.now())).toBeNull();
  });
});

describe("the session token reads the same on Node and on the edge", () => {
  const backends = [
    ["node:crypto", nodePrimitives!],
    ["WebCrypto", webCryptoPrimitives],
  ] as const;

  it("a token written with either backend is read by the other and by next-auth, and a tampered one by neither", async () => {
    const name = "authjs.session-token";
    const jar = (value: string) => ({ get: (n: string) => (n === name ? { value } : undefined), getAll: () => [{ name, value }] });
    for (const [writer, writing] of backends) {
      const authTime = Date.now();
      const token = await encodeSessionToken({ sub: "user-3", amr: ["pwd", "sms"], authTime }, SECRET, name, authTime, 3600, writing);
      expect(await decode({ token, secret: SECRET, salt: name }), writer).toMatchObject({ sub: "user-3", authTime });
      const parts = token.split(".");
      const tampered = [...parts.slice(0, 3), `${parts[3]!.slice(0, 10)}${parts[3]![10] === "A" ? "B" : "A"}${parts[3]!.slice(11)}`, parts[4]].join(".");
      for (const [reader, reading] of backends) {
        expect(await readSessionClaims(jar(token), SECRET, Date.now(), reading), `${writer} -> ${reader}`).toEqual({ userId: "user-3", amr: ["pwd", "sms"], authTime });
        expect(await readSessionClaims(jar(tampered), SECRET, Date.now(), reading), `${writer} -> ${reader}, tampered`).toBeNull();
      }
    }
  });
});

describe("the session cookie is __Secure- exactly when next-auth would make it so", () => {
  it("follows AUTH_URL when it is set, whatever the request says", () => {
    expect(usesSecureCookies({ AUTH_URL: "https://portal.example.com" }, "http")).toBe(true);
    expect(usesSecureCookies({ AUTH_URL: "http://localhost:3000" }, "https")).toBe(false);
    expect(usesSecureCookies({ NEXTAUTH_URL: "https://portal.example.com" }, null)).toBe(true);
  });

  it("otherwise follows the request's forwarded protocol, https when there is none", () => {
    expect(usesSecureCookies({}, "http")).toBe(false);
    expect(usesSecureCookies({}, "https")).toBe(true);
    expect(usesSecureCookies({}, "https:")).toBe(true);
    expect(usesSecureCookies({}, "https, http")).toBe(true);
    expect(usesSecureCookies({}, null)).toBe(true);
  });
});
