import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { SessionViewer } from "@/lib/auth/live-session";
import { ERROR_MESSAGES } from "@/lib/errors";
import { organizationAdminAction, signedInAction, withRecentSecondFactor } from "@/lib/guarded-action";

// Who is asking comes from the session cookie (the DAL) and the "Confirm it's you" cookie; both are
// stood in for here, so each wrapper's answer to each kind of asker is seen alone.
const session = vi.hoisted(() => ({ viewer: null as unknown, confirmedAt: null as number | null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => new Map() }));
vi.mock("@/lib/auth/dal", () => ({ getViewer: async () => session.viewer }));
// The plugin's own check, its confirmation cookie stood in for.
vi.mock("@/lib/server", async () => {
  const { twoFactorChecks } = await import("@/lib/two-factor/session");
  const confirmation = { read: async () => session.confirmedAt };
  const checks = twoFactorChecks({ getSession: async () => null, cookies: { confirmation } as never, sessionPassword: "", confirmationTtlMs: 10 * 60_000, now: () => new Date() });
  return { portalTwoFactor: () => ({ checks }) };
});

const MINUTE = 60_000;
const viewer = (role: "owner" | "admin" | "member" | null, signedInAgoMs = 60 * MINUTE): SessionViewer => ({
  user: { id: "u1", email: "ann@example.com", name: null, sessionsValidAfter: new Date(0), twoFactorEnrolled: true },
  organization: role ? { id: "o1", name: "Acme", requireTwoFactor: true, twoFactorGraceUntil: null } : null,
  role,
  amr: ["pwd", "sms"],
  authTime: Date.now() - signedInAgoMs,
});
const form = (fields: Record<string, string> = {}) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};
const schema = z.object({ member: z.string().min(1) });

/** The URL Next.js's redirect() was thrown with, or null when nothing was thrown. */
async function redirectedTo(run: Promise<unknown>): Promise<string | null> {
  try {
    await run;
    return null;
  } catch (error) {
    const digest = String((error as { digest?: string }).digest);
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return digest.split(";")[2] ?? null;
  }
}

afterEach(() => {
  session.viewer = null;
  session.confirmedAt = null;
});

describe("signedInAction", () => {
  it("bad input is answered before the session is looked at; without a session the form says so and the action never runs", async () => {
    const act = vi.fn(async () => ({ ok: true }));
    const action = signedInAction(schema, act);
    session.viewer = viewer("member");
    expect(await action({}, form())).toMatchObject({ ok: false, error: ERROR_MESSAGES.INVALID_INPUT, fieldErrors: { member: expect.any(String) } });
    session.viewer = null;
    expect(await action({}, form({ member: "x" }))).toEqual({ ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED, values: {} });
    expect(act).not.toHaveBeenCalled();
  });

  it("a signed-in member reaches the action with the data and who they are", async () => {
    session.viewer = viewer("member");
    const action = signedInAction(schema, async (data, { viewer }) => ({ ok: true, message: `${data.member} for ${viewer.user.email}` }));
    expect(await action({}, form({ member: "x" }))).toEqual({ ok: true, message: "x for ann@example.com", values: {} });
  });
});

describe("organizationAdminAction", () => {
  it("a member, or a user without an organization, is refused (FORBIDDEN) and the action never runs", async () => {
    const act = vi.fn(async () => ({ ok: true }));
    const action = organizationAdminAction(schema, act);
    for (const asker of [viewer("member"), viewer(null)]) {
      session.viewer = asker;
      expect(await action({}, form({ member: "x" }))).toEqual({ ok: false, error: ERROR_MESSAGES.FORBIDDEN, values: {} });
    }
    session.viewer = null;
    expect(await action({}, form({ member: "x" }))).toEqual({ ok: false, error: ERROR_MESSAGES.UNAUTHENTICATED, values: {} });
    expect(act).not.toHaveBeenCalled();
  });

  it("the owner and admins reach the action, their organization in hand", async () => {
    const action = organizationAdminAction(schema, async (_data, { viewer }) => ({ ok: true, message: `${viewer.role} of ${viewer.organization.name}` }));
    for (const role of ["owner", "admin"] as const) {
      session.viewer = viewer(role);
      expect(await action({}, form({ member: "x" }))).toMatchObject({ ok: true, message: `${role} of Acme` });
    }
  });
});

describe("withRecentSecondFactor", () => {
  const resumeTo = (data: { member: string }) => `/account-settings?resume=reset&member=${data.member}`;

  it("without a second factor in the last 10 minutes: off to Confirm it's you, back to the step asked for, the action not run", async () => {
    const act = vi.fn(async () => ({ ok: true }));
    const action = organizationAdminAction(schema, withRecentSecondFactor(resumeTo, act));
    session.viewer = viewer("admin", 11 * MINUTE);
    session.confirmedAt = Date.now() - 11 * MINUTE;
    expect(await redirectedTo(action({}, form({ member: "m1" })))).toBe(`/confirm?next=${encodeURIComponent("/account-settings?resume=reset&member=m1")}`);
    expect(act).not.toHaveBeenCalled();
  });

  it("signed in with the second factor, or confirmed, within 10 minutes: the action runs", async () => {
    const action = signedInAction(schema, withRecentSecondFactor(resumeTo, async () => ({ ok: true })));
    session.viewer = viewer("member", 9 * MINUTE);
    expect(await action({}, form({ member: "m1" }))).toMatchObject({ ok: true });
    session.viewer = viewer("member", 60 * MINUTE);
    session.confirmedAt = Date.now() - 2 * MINUTE;
    expect(await action({}, form({ member: "m1" }))).toMatchObject({ ok: true });
  });
});
