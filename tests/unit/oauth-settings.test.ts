import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derivedSigningKey, oauthSettingsFromEnv } from "@/lib/config/oauth";

const APP = { clientId: "connect-ios", name: "Connect for iOS", redirectUris: ["com.example.connect:/callback"] };
const BASE = { AUTH_SECRET: "a".repeat(40), APP_URL: "https://connect.example.com", OAUTH_CLIENTS: JSON.stringify([APP]) };

describe("the portal's OAuth settings", () => {
  it("a key derived from the secret is the same on every instance, differs per secret, and signs what its public half verifies", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 32, maxLength: 64 }), fc.string({ minLength: 32, maxLength: 64 }), (one, other) => {
        fc.pre(one !== other);
        const key = derivedSigningKey(one);
        expect(derivedSigningKey(one)).toEqual(key);
        expect(derivedSigningKey(other).d).not.toBe(key.d);
        const privateKey = createPrivateKey({ key: key as import("node:crypto").JsonWebKey, format: "jwk" });
        const { d: _d, ...publicJwk } = key;
        const publicKey = createPublicKey({ key: publicJwk as import("node:crypto").JsonWebKey, format: "jwk" });
        const signature = sign("sha256", Buffer.from("token"), privateKey);
        expect(verify("sha256", Buffer.from("token"), publicKey, signature)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it("no registered app is OAuth off; the issuer and the API resource are on the public origin", () => {
    expect(oauthSettingsFromEnv({ AUTH_SECRET: BASE.AUTH_SECRET })).toEqual({ ok: true, settings: null });
    const result = oauthSettingsFromEnv(BASE);
    expect(result.ok && result.settings).toMatchObject({ issuer: "https://connect.example.com/oauth", apiResource: "https://connect.example.com/api/v1" });
  });

  it("a bad client list or signing key is refused with what to fix, and no secret in the message", () => {
    for (const env of [
      { ...BASE, OAUTH_CLIENTS: "[{" },
      { ...BASE, OAUTH_CLIENTS: JSON.stringify([{ ...APP, redirectUris: ["http://localhost/cb"] }]) },
      { ...BASE, OAUTH_SIGNING_KEY: "not json" },
      { ...BASE, OAUTH_SIGNING_KEY: JSON.stringify({ kty: "RSA", kid: "k" }) },
      { ...BASE, APP_URL: undefined, NODE_ENV: "production" },
    ]) {
      const result = oauthSettingsFromEnv(env);
      expect(result.ok).toBe(false);
      if (!result.ok) for (const error of result.errors) expect(error).toMatch(/^OAUTH_/);
      if (!result.ok) expect(result.errors.join()).not.toContain(BASE.AUTH_SECRET);
    }
  });
});
