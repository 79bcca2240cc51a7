import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { twoFactorPageStatus } from "@/lib/two-factor/page-status";
import { databaseTargets } from "../helpers/databases";
import { createEnrolledUser, makeDeps, setUpAuthenticatorApp, startChallenge, type TestDeps } from "../helpers/two-factor";

// The challenge page's status reads the database, clock and options it is given (a host's),
// not the process-wide database or the default options.
describe.each(databaseTargets())("the challenge page's status on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db, { options: { resendIntervalMs: 90_000 } });
  });
  afterAll(() => handle.close());

  it("opens Resend after the host's interval, on the host's clock, from the host's database", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending } = await startChallenge(deps, user, phone);
    const sentAt = deps.clock.now().getTime();
    const status = await twoFactorPageStatus(deps, pending);
    expect(status).toMatchObject({ codeSent: true, resendAt: new Date(sentAt + 90_000), lockedUntil: null });
    expect(status.phoneMasked).toMatch(/\d{2}$/);
  });

  it("says whether the member has a confirmed authenticator app, for the challenge to offer it", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending } = await startChallenge(deps, user, phone);
    expect((await twoFactorPageStatus(deps, pending)).hasAuthenticatorApp).toBe(false);
    await setUpAuthenticatorApp(deps, user);
    expect((await twoFactorPageStatus(deps, pending)).hasAuthenticatorApp).toBe(true);
  });

  it("gives the methods in the challenge's order: the app before SMS, the backup code last", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending } = await startChallenge(deps, user, phone);
    expect((await twoFactorPageStatus(deps, pending)).methods).toEqual(["sms", "backup"]);
    await setUpAuthenticatorApp(deps, user);
    expect((await twoFactorPageStatus(deps, pending)).methods).toEqual(["authenticator", "sms", "backup"]);
  });
});
