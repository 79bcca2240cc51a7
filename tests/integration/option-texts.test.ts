import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { noticeEmail } from "@/lib/notifications";
import { twoFactorMessage } from "@/lib/two-factor/messages";
import type { TwoFactorOptions } from "@/lib/two-factor/options";
import { completeWithBackupCode, resendSignInCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { createEnrolledUser, makeDeps, startChallenge } from "../helpers/two-factor";

// What a member is told about a lock, a wait or a code's life is the configured number, and the
// defaults keep the words the portal has always shown.
describe.each(databaseTargets())("texts that follow the options on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.open();
  });
  afterAll(() => handle.close());

  async function challenged(options: Partial<TwoFactorOptions>) {
    const deps = makeDeps(handle.db, { options });
    expect(deps.clock.now().toISOString()).toBe("2026-11-28T10:00:00.000Z");
    const { user, phone } = await createEnrolledUser(deps);
    const { pending } = await startChallenge(deps, user, phone);
    return { deps, user, phone, pending };
  }

  it.each<[string, Partial<TwoFactorOptions>, string]>([
    ["the default (15 minutes)", {}, "10:15"],
    ["lockoutMs: 20 minutes", { lockoutMs: 20 * 60_000 }, "10:20"],
  ])("with %s the lock's message and email say it lifts that long after the tenth wrong code", async (_, options, lifts) => {
    const { deps, user, pending } = await challenged(options);
    let tenth: Awaited<ReturnType<typeof completeWithBackupCode>> | null = null;
    for (let i = 0; i < 10; i++) {
      tenth = await completeWithBackupCode(deps, { pending, code: `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, "0")}`, trustThisDevice: false, request: testRequest() });
    }
    if (!tenth || tenth.ok || tenth.code !== "LOCKED") throw new Error(`expected the lock, got ${JSON.stringify(tenth)}`);
    expect(twoFactorMessage(tenth, { screen: "challenge", now: deps.clock.now() })).toBe(
      `Too many wrong codes. Two-step verification is locked: try again after ${lifts} UTC, or submit a change of password request.`,
    );
    expect(tenth.startedFor).toBe(user.email);
    expect(noticeEmail({ kind: "second_factor_locked", until: tenth.lockedUntil, where: "sign_in" }).text).toContain(`locked until 2026-11-28 ${lifts} UTC.`);
  });

  it.each<[string, Partial<TwoFactorOptions>, string]>([
    ["the default (30 seconds)", {}, "30 seconds"],
    ["resendIntervalMs: 45 seconds", { resendIntervalMs: 45_000 }, "45 seconds"],
  ])("with %s a resend asked for at once is told to wait that long", async (_, options, wait) => {
    const { deps, pending } = await challenged(options);
    const resent = await resendSignInCode(deps, pending, testRequest());
    if (resent.ok) throw new Error("expected the resend to be refused");
    expect(twoFactorMessage(resent, { screen: "challenge", now: deps.clock.now() })).toBe(`Please wait ${wait} before asking for another code.`);
  });

  it.each<[string, Partial<TwoFactorOptions>, string]>([
    ["the default (5 minutes)", {}, "5 minutes"],
    ["codeTtlMs: 10 minutes", { codeTtlMs: 10 * 60_000 }, "10 minutes"],
  ])("with %s the texted code says it expires in that long", async (_, options, life) => {
    const { deps, phone } = await challenged(options);
    expect(deps.sms.messagesTo(phone).at(-1)!.text).toMatch(new RegExp(`^Connect verification code: \\d{6}\\. It expires in ${life}\\. Do not share it\\.$`));
  });
});
