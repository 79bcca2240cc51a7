import { sealData, unsealData } from "iron-session";
import { describe, expect, it } from "vitest";
import { unsealIron } from "@/lib/iron-unseal";
import { nodePrimitives, webCryptoPrimitives } from "@/lib/edge-crypto";

const PASSWORD = "a-session-password-of-at-least-32-chars!";
const payload = { userId: "u-1", nonce: "n".repeat(43), stage: "challenge", createdAt: 1_700_000_000_000, returnTo: "/security?tab=1", ünïcode: "✓" };

/** What iron-session itself answers: the data, or null where it answers {} (its failure value). */
async function ironSessionAnswer(sealed: string, password = PASSWORD) {
  const data = await unsealData<Record<string, unknown>>(sealed, { password, ttl: 600 });
  return Object.keys(data).length === 0 ? null : data;
}

function mutations(withMarker: string): [string, string][] {
  const [sealed, marker] = withMarker.split("~") as [string, string];
  const parts = sealed.split("*");
  const out: [string, string][] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // A character in the middle: always data, never base64's spare bits.
    const at = Math.floor(part.length / 2);
    const swap = (c: string) => (/\d/.test(c) ? String((Number(c) + 1) % 10) : c === "A" ? "B" : "A");
    const flipped = part.length === 0 ? "x" : `${part.slice(0, at)}${swap(part[at]!)}${part.slice(at + 1)}`;
    out.push([`part ${i} changed`, parts.map((p, j) => (j === i ? flipped : p)).join("*")]);
  }
  out.push(["a part dropped", parts.slice(1).join("*")]);
  out.push(["a part added", `${sealed}*x`]);
  out.push(["truncated", sealed.slice(0, -5)]);
  out.push(["empty", ""]);
  out.push(["not a seal", "hello"]);
  out.push(["other prefix", sealed.replace(/^Fe26\.2/, "Fe26.1")]);
  out.push(["other password id", sealed.replace(/^Fe26\.2\*1\*/, "Fe26.2*2*")]);
  out.push(["no password id", sealed.replace(/^Fe26\.2\*1\*/, "Fe26.2**")]);
  return out.map(([what, candidate]) => [what, candidate ? `${candidate}~${marker}` : candidate]);
}

describe.each([
  ["node:crypto", nodePrimitives!],
  ["WebCrypto (the edge)", webCryptoPrimitives],
])("the pending sign-in seal is read exactly as iron-session reads it, with %s", (_name, primitives) => {
  it("opens what iron-session sealed, with the same data", async () => {
    const sealed = await sealData(payload, { password: PASSWORD, ttl: 600 });
    expect(await unsealIron(sealed, PASSWORD, Date.now(), primitives)).toEqual(payload);
    expect(await unsealIron(sealed, PASSWORD, Date.now(), primitives)).toEqual(await ironSessionAnswer(sealed));
  });

  it("refuses every tampered, truncated or foreign seal that iron-session refuses, and accepts only what it accepts", async () => {
    const sealed = await sealData(payload, { password: PASSWORD, ttl: 600 });
    for (const [what, candidate] of mutations(sealed)) {
      const ours = await unsealIron(candidate, PASSWORD, Date.now(), primitives);
      expect(ours, what).toEqual(await ironSessionAnswer(candidate));
    }
  });

  it("a tampered seal is refused: no change to any part of it survives the check", async () => {
    const sealed = await sealData(payload, { password: PASSWORD, ttl: 600 });
    // Every part but the (ignored) version marker is under the HMAC.
    for (const [what, candidate] of mutations(sealed)) {
      expect(await unsealIron(candidate, PASSWORD, Date.now(), primitives), what).toBeNull();
    }
  });

  it("a seal under another password is refused, and a password shorter than 32 characters opens nothing", async () => {
    const sealed = await sealData(payload, { password: PASSWORD, ttl: 600 });
    expect(await unsealIron(sealed, `${PASSWORD}-other`, Date.now(), primitives)).toBeNull();
    const short = "short-password";
    expect(await unsealIron(sealed, short, Date.now(), primitives)).toBeNull();
  });

  it("an expired seal is refused once its expiry is more than a minute past, as iron-session allows for clock skew", async () => {
    const sealed = await sealData(payload, { password: PASSWORD, ttl: 600 });
    const expiry = Number(sealed.split("~")[0]!.split("*")[5]);
    expect(await unsealIron(sealed, PASSWORD, expiry + 59_000, primitives)).toEqual(payload);
    expect(await unsealIron(sealed, PASSWORD, expiry + 60_000, primitives)).toBeNull();
  });

  it("the version marker outside the HMAC is ignored, as iron-session ignores it", async () => {
    const sealed = await sealData(payload, { password: PASSWORD, ttl: 600 });
    const bare = sealed.split("~")[0]!;
    for (const candidate of [bare, `${bare}~1`, `${bare}~99`]) {
      expect(await unsealIron(candidate, PASSWORD, Date.now(), primitives)).toEqual(await ironSessionAnswer(candidate));
      expect(await unsealIron(candidate, PASSWORD, Date.now(), primitives)).toEqual(payload);
    }
  });
});
