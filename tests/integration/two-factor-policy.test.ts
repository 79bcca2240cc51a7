import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { setOrganizationRequiresTwoFactor } from "@/lib/organizations";
import { loadSecondFactorState } from "@/lib/two-factor/policy";
import { sendSetupCode } from "@/lib/two-factor/setup";
import { completeWithSmsCode, continueAfterPassword } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { auditEventsAbout } from "../helpers/member-state";
import { createOrganization, createUser, testRequest } from "../helpers/fixtures";
import { enrollUser, freshPhone, makeDeps, pendingFor, startChallenge, type TestDeps } from "../helpers/two-factor";

describe.each(databaseTargets())("two-factor policy on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const afterPassword = (userId: string, deviceToken?: string) =>
    continueAfterPassword(deps, { userId, returnTo: "/", deviceToken, request: testRequest() });

  it("when the organization requires 2FA, the owner, an admin and a member all need it at their next sign-in", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const admin = await createUser(handle.db, { organizationId: org.id, role: "admin" });
    const member = await createUser(handle.db, { organizationId: org.id, role: "member" });
    const everyone = [owner, admin, member];

    for (const user of everyone) {
      const before = await afterPassword(user.id);
      expect(before.next).toBe("session");
    }

    await setOrganizationRequiresTwoFactor(handle.db, {
      organizationId: org.id,
      actorUserId: owner.id,
      required: true,
      request: testRequest(),
      now: deps.clock.now(),
    });

    const sentBefore = deps.sms.attempts.length;
    for (const user of everyone) {
      const after = await afterPassword(user.id);
      expect(after).toMatchObject({ next: "second_factor", sent: null, pending: { userId: user.id, stage: "setup" } });
      const state = await loadSecondFactorState(deps, user.id);
      expect(state).toMatchObject({ required: true, requiredByOrganization: true, selfEnabled: false, enrolled: false });
    }
    // setup asks for a phone number first: nothing is texted yet
    expect(deps.sms.attempts.length).toBe(sentBefore);
  });

  it("without any requirement the password alone gives a session with amr pwd, recorded in the audit log", async () => {
    const alone = await createUser(handle.db);
    const org = await createOrganization(handle.db);
    const member = await createUser(handle.db, { organizationId: org.id });
    for (const user of [alone, member]) {
      const result = await afterPassword(user.id);
      if (result.next !== "session") throw new Error("expected a session");
      expect(result.session).toEqual({ userId: user.id, amr: ["pwd"] });
      const events = (await auditEventsAbout(handle.db, user.id)).filter((e) => e.type === "sign_in.succeeded");
      expect(events.map((e) => e.details)).toEqual([{ amr: ["pwd"] }]);
    }
  });

  it("continueAfterPassword gives setup to a required user without a verified phone, even after a code was sent to one", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    await setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId: owner.id, required: true, request: null, now: deps.clock.now() });
    const user = await createUser(handle.db, { organizationId: org.id });
    const first = await afterPassword(user.id);
    if (first.next !== "second_factor") throw new Error("expected a second factor");
    const phone = freshPhone();
    const sent = await sendSetupCode(deps, { userId: user.id, attemptNonce: first.pending.nonce, phone, request: testRequest() });
    expect(sent.ok).toBe(true);
    // the code was never entered: the number is not verified, so the next sign-in is setup again
    const second = await afterPassword(user.id);
    expect(second).toMatchObject({ next: "second_factor", sent: null, pending: { stage: "setup" } });
    expect(await loadSecondFactorState(deps, user.id)).toMatchObject({ enrolled: false, phoneE164: null });
  });

  it("continueAfterPassword gives an enrolled user the challenge and texts a code at once, which completes the sign-in", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    await setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId: owner.id, required: true, request: null, now: deps.clock.now() });
    const { phone } = await enrollUser(deps, owner);

    const result = await afterPassword(owner.id);
    if (result.next !== "second_factor") throw new Error("expected a second factor");
    expect(result.pending).toMatchObject({ userId: owner.id, stage: "challenge", createdAt: deps.clock.now().getTime() });
    expect(result.pending.nonce.length).toBeGreaterThanOrEqual(43);
    expect(result.sent).toMatchObject({ ok: true, phoneMasked: expect.stringMatching(/\d{2}$/) });
    if (!result.sent?.ok) throw new Error("expected a code");
    expect(result.sent.phoneMasked).not.toContain(phone.slice(2, -4));
    expect(deps.sms.messagesTo(phone)).toHaveLength(2); // setup, then the challenge

    const done = await completeWithSmsCode(deps, {
      pending: result.pending,
      code: deps.sms.lastCodeTo(phone),
      trustThisDevice: false,
      request: testRequest(),
    });
    if (!done.ok) throw new Error(`expected success, got ${done.code}`);
    expect(done.deviceToken).toBeNull();
    expect(done.session).toEqual({ userId: owner.id, amr: ["pwd", "sms"] });
  });

  it("lifting the requirement lets members who did not turn 2FA on sign in with the password alone", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    const member = await createUser(handle.db, { organizationId: org.id, role: "member" });
    const selfEnabled = await createUser(handle.db, { organizationId: org.id, role: "member" });
    await setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId: owner.id, required: true, request: null, now: deps.clock.now() });
    await enrollUser(deps, member);
    const own = await enrollUser(deps, selfEnabled, freshPhone(), { selfEnabled: true });

    expect((await afterPassword(member.id)).next).toBe("second_factor");

    await setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId: owner.id, required: false, recentSecondFactor: true, request: null, now: deps.clock.now() });

    const memberNow = await afterPassword(member.id);
    if (memberNow.next !== "session") throw new Error("expected the password alone to be enough");
    expect(memberNow.session).toEqual({ userId: member.id, amr: ["pwd"] });
    expect(await loadSecondFactorState(deps, member.id)).toMatchObject({ required: false, enrolled: true });

    // the one who turned it on for their own account keeps it
    const ownNow = await afterPassword(selfEnabled.id);
    expect(ownNow).toMatchObject({ next: "second_factor", pending: { stage: "challenge" }, sent: { ok: true } });
    expect(deps.sms.messagesTo(own.phone)).toHaveLength(2);
  });

  it("a user in no organization who turned 2FA on for their own account gets the challenge", async () => {
    const user = await createUser(handle.db);
    const { phone } = await enrollUser(deps, user, freshPhone(), { selfEnabled: true });
    expect(await loadSecondFactorState(deps, user.id)).toMatchObject({
      organizationId: null,
      required: true,
      requiredByOrganization: false,
      selfEnabled: true,
      enrolled: true,
      phoneE164: phone,
    });
    await startChallenge(deps, user, phone);
  });

  it("a pending sign-in is not a session: a made-up pending sign-in with no code texted gets nothing", async () => {
    const org = await createOrganization(handle.db);
    const owner = await createUser(handle.db, { organizationId: org.id, role: "owner" });
    await setOrganizationRequiresTwoFactor(handle.db, { organizationId: org.id, actorUserId: owner.id, required: true, request: null, now: deps.clock.now() });
    await enrollUser(deps, owner);
    for (const code of ["000000", "123456", "999999"]) {
      const result = await completeWithSmsCode(deps, { pending: pendingFor(owner.id), code, trustThisDevice: true, request: testRequest() });
      expect(result).toEqual({ ok: false, code: "NO_ACTIVE_CODE" });
    }
  });
});
