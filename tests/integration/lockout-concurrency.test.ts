import { and, eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { auditEvents, users } from "@/lib/db/schema";
import { generateBackupCode } from "@/lib/two-factor/backup-codes";
import { confirmSecondFactor } from "@/lib/two-factor/confirm";
import { completeWithBackupCode, completeWithSmsCode } from "@/lib/two-factor/sign-in";
import { databaseTargets } from "../helpers/databases";
import { testRequest } from "../helpers/fixtures";
import { createEnrolledUser, makeDeps, pendingFor, startChallenge, wrongCode, type TestDeps } from "../helpers/two-factor";

// The lockout's threshold is a promise about answers: however many guesses arrive at once, no
// more than `lockoutThreshold` of them are ever told whether they were right.
const THRESHOLD = 10;
const WRONG_ANSWERS = new Set(["INVALID_BACKUP_CODE", "INVALID_CODE"]);

/** The same backup code as a person might type it again: case, spaces and dashes vary. */
const spellingOf = (code: string) =>
  fc.constantFrom(code, code.toLowerCase(), code.replace(/-/g, ""), code.replace(/-/g, " "), ` ${code.toLowerCase()} `);

describe.each(databaseTargets({ throughPooler: true }))("second-factor lockout under concurrency on $name", (target) => {
  let handle: DatabaseHandle;
  let deps: TestDeps;
  beforeAll(async () => {
    handle = await target.open();
    deps = makeDeps(handle.db);
  });
  afterAll(() => handle.close());

  const failuresOf = async (userId: string) => {
    const [row] = await handle.db
      .select({ failures: users.secondFactorFailures, lockedUntil: users.secondFactorLockedUntil })
      .from(users)
      .where(eq(users.id, userId));
    return row!;
  };
  const eventsOf = async (userId: string, types: string[]) =>
    handle.db
      .select({ type: auditEvents.type })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, userId), inArray(auditEvents.type, types)));

  it("no more than the threshold of wrong backup-code answers is given, however many arrive at once, at sign-in or at confirmation", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2 * THRESHOLD + 1, max: 45 }),
        fc.constantFrom("sign-in", "confirm"),
        fc.option(fc.nat(), { nil: null }),
        async (howMany, where, correctAt) => {
          const { user, backupCodes } = await createEnrolledUser(deps);
          const pending = pendingFor(user.id, { now: deps.clock.now() });
          const submit = (code: string) =>
            where === "sign-in"
              ? completeWithBackupCode(deps, { pending, code, trustThisDevice: false, request: testRequest() })
              : confirmSecondFactor(deps, { userId: user.id, authTime: pending.createdAt, method: "backup", code, request: testRequest() });
          const codes = Array.from({ length: howMany }, () => generateBackupCode());
          if (correctAt !== null) codes[correctAt % howMany] = backupCodes[0]!;
          const answers = await Promise.all(codes.map(submit));

          const wrong = answers.filter((a) => !a.ok && WRONG_ANSWERS.has(a.code));
          const compared = await eventsOf(user.id, ["two_factor.backup_code_failed"]);
          const succeeded = answers.filter((a) => a.ok).length;
          expect(succeeded).toBeLessThanOrEqual(1);
          // A right code ends a run of failures, so a burst holding one may see two runs.
          const runs = 1 + succeeded;
          expect(wrong.length).toBeLessThanOrEqual(runs * (THRESHOLD - 1));
          expect(compared.length).toBeLessThanOrEqual(runs * THRESHOLD);
          // The burst holds more than a run's worth of wrong codes, so the last run locks.
          expect((await failuresOf(user.id)).lockedUntil).not.toBeNull();
        },
      ),
      { numRuns: 6 },
    );
  });

  it("SMS codes and backup codes guessed together get no more than the threshold of wrong answers", async () => {
    const { user, phone } = await createEnrolledUser(deps);
    const { pending, code } = await startChallenge(deps, user, phone);
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => completeWithSmsCode(deps, { pending, code: wrongCode(code, i + 1), trustThisDevice: false, request: testRequest() })),
      ...Array.from({ length: 30 }, () => completeWithBackupCode(deps, { pending, code: generateBackupCode(), trustThisDevice: false, request: testRequest() })),
    ]);
    const wrong = answers.filter((a) => !a.ok && WRONG_ANSWERS.has(a.code));
    expect(wrong.length).toBeLessThan(THRESHOLD);
    expect((await failuresOf(user.id)).lockedUntil).not.toBeNull();
  });

  it("a double submit of the same correct backup code signs in once and does not count toward the lock", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.nat(9), fc.boolean(), async (copies, which, thenAgain) => {
        const { user, backupCodes } = await createEnrolledUser(deps);
        const code = backupCodes[which]!;
        const spellings = fc.sample(spellingOf(code), copies);
        const pending = pendingFor(user.id, { now: deps.clock.now() });
        const submit = (typed: string) => completeWithBackupCode(deps, { pending, code: typed, trustThisDevice: false, request: testRequest() });
        const answers = await Promise.all(spellings.map(submit));
        if (thenAgain) answers.push(await submit(code));

        expect(answers.filter((a) => a.ok)).toHaveLength(1);
        expect(answers.filter((a) => !a.ok).map((a) => !a.ok && a.code)).toEqual(Array(answers.length - 1).fill("INVALID_BACKUP_CODE"));
        expect(await failuresOf(user.id)).toEqual({ failures: 0, lockedUntil: null });
        expect(await eventsOf(user.id, ["two_factor.backup_code_failed", "two_factor.locked"])).toEqual([]);
      }),
      { numRuns: 6 },
    );
  });
});
