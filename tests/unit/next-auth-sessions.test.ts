import { describe, expect, it, vi } from "vitest";
import { nextAuthSessions } from "@/lib/two-factor/next-auth";
import type { CookieInstruction } from "@/lib/two-factor";

const secret = "a-next-auth-secret-of-at-least-32-characters";
const jar = (cookies: CookieInstruction[]) => ({ get: (name: string) => cookies.find((c) => c.name === name) });

describe("the plugin's next-auth JWT sessions", () => {
  it("a started session reads back with its user, methods and time, and tells next-auth's signIn event", async () => {
    const signIn = vi.fn();
    const sessions = nextAuthSessions({ strategy: "jwt", secret, secureCookies: true, events: { signIn } });
    const now = new Date("2026-12-07T10:00:00Z");
    const cookies = await sessions.startSession({ userId: "u-1", amr: ["oidc", "sms"] }, now);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: "__Secure-authjs.session-token", attributes: { httpOnly: true, secure: true, sameSite: "lax", path: "/" } });
    expect(await sessions.readSession(jar(cookies), now.getTime() + 1_000)).toEqual({ userId: "u-1", amr: ["oidc", "sms"], authTime: now.getTime() });
    expect(signIn).toHaveBeenCalledWith(expect.objectContaining({ user: { id: "u-1" } }));
  });

  it("refuses a token under another secret, a tampered one, and one past its fixed lifetime", async () => {
    const sessions = nextAuthSessions({ strategy: "jwt", secret, secureCookies: false, maxAgeSeconds: 3_600 });
    const now = new Date("2026-12-07T10:00:00Z");
    const [cookie] = await sessions.startSession({ userId: "u-2", amr: ["pwd"] }, now);
    const other = nextAuthSessions({ strategy: "jwt", secret: `${secret}-other`, secureCookies: false });
    expect(await other.readSession(jar([cookie!]), now.getTime())).toBeNull();
    const tampered = { ...cookie!, value: `${cookie!.value.slice(0, -2)}${cookie!.value.endsWith("A") ? "B" : "A"}A` };
    expect(await sessions.readSession(jar([tampered]), now.getTime())).toBeNull();
    expect(await sessions.readSession(jar([cookie!]), now.getTime() + 3_600_000)).toBeNull();
  });
});
