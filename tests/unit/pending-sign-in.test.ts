import { describe, expect, it } from "vitest";
import { sealPendingSignIn, twoFactorCookies, unsealPendingSignIn } from "@/lib/two-factor/cookies";
import { PENDING_SIGN_IN_TTL_SECONDS, pendingSignInOf, type PendingSignIn } from "@/lib/two-factor/pending-sign-in";
import { stagePath, twoFactorPaths } from "@/lib/two-factor/paths";

const password = "p".repeat(32);
const now = Date.parse("2026-11-28T10:00:00Z");
const pending: PendingSignIn = { userId: "u1", nonce: "n1", stage: "challenge", createdAt: now, returnTo: "/" };

describe("the pending sign-in cookie", () => {
  it("opens with the right password and within 10 minutes", async () => {
    const sealed = await sealPendingSignIn(pending, password);
    expect(await unsealPendingSignIn(sealed, password, now + 60_000)).toEqual(pending);
  });

  it("is refused when expired, tampered with, or sealed with another password", async () => {
    const sealed = await sealPendingSignIn(pending, password);
    expect(await unsealPendingSignIn(sealed, password, now + PENDING_SIGN_IN_TTL_SECONDS * 1000 + 1)).toBeNull();
    const flipped = sealed.slice(0, 20) + (sealed[20] === "A" ? "B" : "A") + sealed.slice(21);
    expect(await unsealPendingSignIn(flipped, password, now)).toBeNull();
    expect(await unsealPendingSignIn(sealed, "q".repeat(32), now)).toBeNull();
    expect(await unsealPendingSignIn(undefined, password, now)).toBeNull();
  });

  it("uses a __Host- cookie name in production", () => {
    expect(twoFactorCookies({ cookiePrefix: "c2fa", secureCookies: true }).pendingSignIn.name).toBe("__Host-c2fa-pending");
    expect(twoFactorCookies({ cookiePrefix: "c2fa", secureCookies: false }).pendingSignIn.name).toBe("c2fa-pending");
  });
});

describe("the secure_setup stage (issue 18)", () => {
  it("opens with its proof, and lives at its own page", async () => {
    const held: PendingSignIn = { ...pending, stage: "secure_setup", proved: "sms" };
    expect(await unsealPendingSignIn(await sealPendingSignIn(held, password), password, now)).toEqual(held);
    const paths = twoFactorPaths({ twoFactorPath: "/two-factor", signInPath: "/sign-in", setupDonePath: "/done" });
    expect(stagePath(paths, "secure_setup")).toBe("/two-factor/secure-setup");
    expect(stagePath(paths, "setup")).toBe("/two-factor/setup");
    expect(stagePath(paths, "challenge")).toBe("/two-factor/challenge");
  });

  it("a proof on any other stage, or another proof, is no pending sign-in", () => {
    for (const bad of [{ ...pending, proved: "sms" }, { ...pending, stage: "setup", proved: "sms" }, { ...pending, stage: "secure_setup", proved: "otp" }, { ...pending, stage: "Secure_setup" }]) {
      expect(pendingSignInOf(bad, now), JSON.stringify(bad)).toBeNull();
    }
    expect(pendingSignInOf({ ...pending, stage: "secure_setup" }, now)).toMatchObject({ stage: "secure_setup" });
  });
});
