import { describe, expect, it } from "vitest";
import { sealPendingSignIn, twoFactorCookies, unsealPendingSignIn } from "@/lib/two-factor/cookies";
import { PENDING_SIGN_IN_TTL_SECONDS, type PendingSignIn } from "@/lib/two-factor/pending-sign-in";

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
