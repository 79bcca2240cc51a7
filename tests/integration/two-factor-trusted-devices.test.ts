import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "@/lib/crypto";
import type { DatabaseHandle } from "@/lib/db/client";
import { trustedDevices } from "@/lib/db/schema";
import { completeWithBackupCode, completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { recognizeTrustedDevice, revokeTrustedDevices, trustDevice } from "@/lib/two-factor/trusted-devices";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { createEnrolledUser, dumpAllRows, enrollUser, makeDeps, pendingFor, startChallenge, type TestDeps } from "../helpers/two-factor";

const DAY = 24 * 60 * 60_000;

describe.each(databaseTargets())("two-factor trusted devices on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const afterPassword = (userId: string, deviceToken: string | undefined) =>
    continueAfterPassword(deps, { userId, returnTo: "/", deviceToken, request: testRequest() });

  /** Signs in with an SMS code and ticks "Trust this device". */
  async function trustedSignIn(user: { id: string }, phone: string) {
    const { pending, code } = await startChallenge(deps, user, phone);
    const done = await completeWithSmsCode(deps, { pending, code, trustThisDevice: true, request: testRequest() });
    if (!done.ok || !done.deviceToken || !done.deviceExpiresAt) throw new Error("expected a trusted device");
    return { token: done.deviceToken, expiresAt: done.deviceExpiresAt, session: done.session };
  }

  it("a trusted device skips the SMS for 30 days after a correct password, then the code is asked again", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const trustedAt = deps.clock.now().getTime();
    const { token, expiresAt } = await trustedSignIn(user, phone);
    expect(expiresAt).toEqual(new Date(trustedAt + 30 * DAY));

    const texted = deps.sms.attempts.length;
    deps.clock.set(new Date(trustedAt + 30 * DAY - 1));
    const inside = await afterPassword(user.id, token);
    if (inside.next !== "session") throw new Error("expected the device to skip the second factor");
    expect(inside.session).toEqual({
      userId: user.id,
      amr: ["pwd", "trusted_device"],
    });
    expect(deps.sms.attempts.length).toBe(texted);

    deps.clock.set(new Date(trustedAt + 30 * DAY));
    expect(await afterPassword(user.id, token)).toMatchObject({ next: "second_factor", pending: { stage: "challenge" }, sent: { ok: true } });
  });

  it("a backup-code sign-in can trust the device too", async () => {
    const { user, backupCodes } = await createEnrolledUser(deps);
    const done = await completeWithBackupCode(deps, {
      pending: pendingFor(user.id, { now: deps.clock.now() }),
      code: backupCodes[0]!,
      trustThisDevice: true,
      request: testRequest(),
    });
    if (!done.ok || !done.deviceToken) throw new Error("expected a trusted device");
    expect(await afterPassword(user.id, done.deviceToken)).toMatchObject({ next: "session" });
  });

  it("a device token of user A does nothing for user B", async () => {
    const alice = await createEnrolledUser(deps);
    const bob = await createEnrolledUser(deps);
    const { token } = await trustedSignIn(alice.user, alice.phone);
    expect(await recognizeTrustedDevice(handle.db, bob.user.id, token, deps.clock.now())).toBe(false);
    expect(await afterPassword(bob.user.id, token)).toMatchObject({ next: "second_factor", sent: { ok: true } });
    expect(await afterPassword(alice.user.id, token)).toMatchObject({ next: "session" });
    expect(await afterPassword(alice.user.id, "made-up-token")).toMatchObject({ next: "second_factor" });
    expect(await afterPassword(alice.user.id, "x".repeat(10_000))).toMatchObject({ next: "second_factor" });
  });

  it("only the hash of the 256-bit token is stored", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { token } = await trustedSignIn(user, phone);
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(32);
    const [row] = await handle.db.select().from(trustedDevices).where(eq(trustedDevices.userId, user.id));
    expect(row!.tokenHash).toBe(sha256(token));
    expect(row!.userAgent).toBe("vitest");
    expect(await dumpAllRows(handle.db)).not.toContain(token);
  });

  it("at most 10 trusted devices per user: the least recently used one is revoked", async () => {
    const { user } = await createEnrolledUser(deps);
    const tokens: string[] = [];
    for (let i = 0; i < 10; i++) {
      deps.clock.advance(1_000);
      tokens.push((await trustDevice(handle.db, { userId: user.id, userAgent: `device ${i}`, now: deps.clock.now() }, deps.options)).token);
    }
    // device 0 is used again, so device 1 becomes the least recently used
    deps.clock.advance(1_000);
    expect(await recognizeTrustedDevice(handle.db, user.id, tokens[0], deps.clock.now())).toBe(true);
    deps.clock.advance(1_000);
    tokens.push((await trustDevice(handle.db, { userId: user.id, userAgent: "device 10", now: deps.clock.now() }, deps.options)).token);

    const active = await handle.db
      .select()
      .from(trustedDevices)
      .where(and(eq(trustedDevices.userId, user.id), isNull(trustedDevices.revokedAt)));
    expect(active).toHaveLength(10);
    deps.clock.advance(1_000);
    const works = [];
    for (const token of tokens) works.push(await recognizeTrustedDevice(handle.db, user.id, token, deps.clock.now()));
    expect(works).toEqual([true, false, true, true, true, true, true, true, true, true, true]);
  });

  it("revoked tokens stop working: revoking, and setting up the phone again, end every device", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const first = await trustedSignIn(user, phone);
    deps.clock.advance(60_000);
    const second = await trustedSignIn(user, phone);
    expect(await revokeTrustedDevices(handle.db, user.id, deps.clock.now())).toBe(2);
    for (const { token } of [first, second]) {
      expect(await recognizeTrustedDevice(handle.db, user.id, token, deps.clock.now())).toBe(false);
    }
    expect(await afterPassword(user.id, first.token)).toMatchObject({ next: "second_factor" });

    deps.clock.advance(60 * 60_000);
    const third = await trustedSignIn(user, phone);
    expect(await afterPassword(user.id, third.token)).toMatchObject({ next: "session" });
    // a phone change (setup again) revokes the devices trusted on the old number
    const { phone: newPhone } = await enrollUser(deps, user);
    expect(newPhone).not.toBe(phone);
    expect(await afterPassword(user.id, third.token)).toMatchObject({ next: "second_factor" });
    expect(deps.sms.messagesTo(newPhone).length).toBe(2);
  });
});
